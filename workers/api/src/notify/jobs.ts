import type { AppDeps } from '../deps.js';

/** QStash callbacks of the notification pipeline. */
export const ESCALATE_JOB_PATH = '/v1/jobs/escalate';
export const DELIVER_JOB_PATH = '/v1/jobs/deliver';
/** QStash's failure callback for deliver jobs: called once retries are exhausted. */
export const DELIVER_FAILED_JOB_PATH = '/v1/jobs/deliver-failed';

export type EscalateJob = { tenantId: string; alertId: string };
export type DeliverJob = { tenantId: string; deliveryId: string };

/** Retries QStash makes of an escalate job before it goes to the dead-letter list. */
export const ESCALATE_RETRIES = 3;

/**
 * Publishes the escalate job for an alert. `deduplicationId` makes a second publish of the same
 * step (a redelivered job that publishes again, two raisers racing) a no-op at QStash.
 */
export async function publishEscalate(
  deps: Pick<AppDeps, 'qstash' | 'apiUrl'>,
  job: EscalateJob,
  options: { deduplicationId: string; notBeforeMs?: number },
) {
  const { messageId } = await deps.qstash.publishJSON({
    url: new URL(ESCALATE_JOB_PATH, deps.apiUrl).toString(),
    body: job,
    deduplicationId: options.deduplicationId,
    retries: ESCALATE_RETRIES,
    // QStash's absolute time is whole seconds; rounding up never delivers early.
    ...(options.notBeforeMs === undefined
      ? {}
      : { notBefore: Math.ceil(options.notBeforeMs / 1_000) }),
  });
  return messageId;
}
