import { commandExpiryJob, expireCommands } from '@anythingiot/services';
import type { App } from '../../app-type.js';
import { jobCtx, mountJob } from '../../jobs/mount-job.js';

/**
 * QStash callback: expires overdue, unacknowledged commands — a tenant's (scheduled when its
 * commands were created, for their expiry instant) or everyone's (the per-minute schedule, the
 * safety net for a publish that was lost). Idempotent: a redelivery finds nothing left to do.
 */
export function registerCommandExpiryJob(app: App) {
  mountJob(app, commandExpiryJob, async (job, c) => {
    const expired = await expireCommands({ ctx: jobCtx(c, commandExpiryJob), input: job });
    return c.json({ expired: expired.length }, 200);
  });
}
