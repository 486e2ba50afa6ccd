import type { AppDeps } from '../deps.js';

/** QStash callbacks of the alert pipeline. */
export const EXCURSION_CHECK_PATH = '/v1/jobs/excursion-check';
export const ALERTS_SWEEP_PATH = '/v1/jobs/alerts-sweep';

export type ExcursionCheckJob = { tenantId: string; excursionId: string };

/**
 * Schedules the check of an excursion at its due instant (start + duration). The dedup id
 * names the instant, so re-publishing the same check is a no-op and a moved start (late data)
 * schedules a new one.
 */
export async function publishExcursionCheck(
  deps: Pick<AppDeps, 'qstash' | 'apiPublicUrl'>,
  job: ExcursionCheckJob,
  dueAt: number,
) {
  const { messageId } = await deps.qstash.publishJSON({
    url: new URL(EXCURSION_CHECK_PATH, deps.apiPublicUrl).toString(),
    body: job,
    deduplicationId: `check:${job.excursionId}:${dueAt}`,
    retries: 3,
    // Whole seconds, rounded up: a check never runs before the excursion can have lasted.
    notBefore: Math.ceil(dueAt / 1_000),
  });
  return messageId;
}
