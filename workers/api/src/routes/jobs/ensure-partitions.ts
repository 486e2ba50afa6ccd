import { ensurePartitions, ensurePartitionsJob } from '@anythingiot/services';
import type { App } from '../../app-type.js';
import { jobCtx, mountJob } from '../../jobs/mount-job.js';

/** QStash callback (daily schedule): services' `ensurePartitions`. */
export function registerEnsurePartitionsJob(app: App) {
  mountJob(app, ensurePartitionsJob, async (_job, c) => {
    const created = await ensurePartitions({ ctx: jobCtx(c, ensurePartitionsJob) });
    return c.json({ created }, 200);
  });
}
