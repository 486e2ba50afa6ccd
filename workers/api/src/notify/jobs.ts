import { DomainError } from '@anythingiot/core';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';

/** QStash callbacks of the notification pipeline. */
export const ESCALATE_JOB_PATH = '/v1/jobs/escalate';
export const DELIVER_JOB_PATH = '/v1/jobs/deliver';
/** QStash's failure callback for deliver jobs: called once retries are exhausted. */
export const DELIVER_FAILED_JOB_PATH = '/v1/jobs/deliver-failed';

export const EscalateJobSchema = z.object({
  tenantId: z.string().min(1),
  alertId: z.string().min(1),
  /** When this run is meant for (Unix ms); absent for the first run. */
  at: z.number().int().optional(),
});
export type EscalateJob = z.infer<typeof EscalateJobSchema>;

export const DeliverJobSchema = z.object({
  tenantId: z.string().min(1),
  deliveryId: z.string().min(1),
});
export type DeliverJob = z.infer<typeof DeliverJobSchema>;

/** Retries QStash makes of an escalate job before it goes to the dead-letter list. */
export const ESCALATE_RETRIES = 3;

const jobUrl = (deps: Pick<AppDeps, 'apiPublicUrl'>, path: string) =>
  new URL(path, deps.apiPublicUrl).toString();

/**
 * Publishes the escalate job for an alert. `deduplicationId` makes a second publish of the same
 * step (a redelivered job that publishes again, two raisers racing) a no-op at QStash.
 */
export async function publishEscalate(
  deps: Pick<AppDeps, 'qstash' | 'apiPublicUrl'>,
  job: EscalateJob,
  options: { deduplicationId: string; notBeforeMs?: number },
) {
  const { messageId } = await deps.qstash.publishJSON({
    url: jobUrl(deps, ESCALATE_JOB_PATH),
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

/**
 * Queues the sending of one delivery. The delivery id is the deduplication id, so queueing it
 * again (a re-run escalation) never sends twice; QStash retries failures with the configured
 * backoff and, when it gives up, calls the failure callback that marks the delivery dead.
 */
export async function publishDeliver(
  deps: Pick<AppDeps, 'qstash' | 'apiPublicUrl' | 'notify'>,
  job: DeliverJob,
) {
  const { messageId } = await deps.qstash.publishJSON({
    url: jobUrl(deps, DELIVER_JOB_PATH),
    body: job,
    deduplicationId: job.deliveryId,
    retries: deps.notify.retry.retries,
    retryDelay: deps.notify.retry.delay,
    failureCallback: jobUrl(deps, DELIVER_FAILED_JOB_PATH),
  });
  return messageId;
}

/**
 * A verified job body, parsed. Malformed means a bug on our side, answered 422: QStash retries
 * it, but only a deploy can fix it, and the dead-letter list keeps the evidence.
 */
export function parseJob<T>(schema: z.ZodType<T>, body: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new DomainError('VALIDATION', 'The job body is malformed.');
  return parsed.data;
}
