import { z } from 'zod';
import { defineJob } from '../jobs/define-job.js';

/**
 * Expires overdue commands: a tenant's (published when its commands are created, for their
 * expiry instant: one job per tenant and instant, so a bulk command is one job) or, with an
 * empty body, every tenant's (the per-minute schedule, the safety net for a lost publish).
 * Publish it with `{ notBefore: expiresAt }`; the dedup id names the instant.
 */
export const commandExpiryJob = defineJob({
  path: '/v1/jobs/command-expiry',
  schema: z.object({ tenantId: z.string().min(1).optional() }).strict(),
  dedupKey: (job, { notBefore }) => `command-expiry:${job.tenantId}:${notBefore}`,
  retries: 3,
  schedule: '* * * * *',
});
export type CommandExpiryJob = z.output<typeof commandExpiryJob.schema>;
