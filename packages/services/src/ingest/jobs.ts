import { z } from 'zod';
import { defineJob } from '../jobs/define-job.js';

/**
 * Makes sure `readings` has monthly partitions from this month to three months ahead. Daily,
 * off the hour: a missed day or two is harmless, the horizon is three months.
 */
export const ensurePartitionsJob = defineJob({
  path: '/v1/jobs/ensure-partitions',
  schema: z.object({}),
  retries: 3,
  schedule: '17 3 * * *',
});
