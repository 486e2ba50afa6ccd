import { z } from 'zod';
import { defineJob } from '../jobs/define-job.js';

/**
 * The check of an excursion at its due instant (start + duration). The dedup id names the
 * instant, so re-publishing the same check is a no-op and a moved start (late data) schedules
 * a new one. Publish it with `{ notBefore: dueAt }`.
 */
export const excursionCheckJob = defineJob({
  path: '/v1/jobs/excursion-check',
  schema: z.object({ tenantId: z.string().min(1), excursionId: z.string().min(1) }),
  dedupKey: (job, { notBefore }) => `check:${job.excursionId}:${notBefore}`,
  retries: 3,
});
export type ExcursionCheckJob = z.output<typeof excursionCheckJob.schema>;

/**
 * The alert pipeline's safety net, every minute: offline detection, lost publishes
 * (see sweep-alerts.ts). Its body is empty.
 */
export const alertsSweepJob = defineJob({
  path: '/v1/jobs/alerts-sweep',
  schema: z.object({}),
  retries: 3,
  schedule: '* * * * *',
});
