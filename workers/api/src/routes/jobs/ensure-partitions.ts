import { ensureReadingPartitions } from '@anythingiot/db';
import { ensurePartitionsJob } from '@anythingiot/services';
import type { App } from '../../app-type.js';
import { mountJob } from '../../jobs/mount-job.js';

/**
 * QStash callback (daily schedule): makes sure `readings` has monthly partitions from this
 * month to three months ahead. Idempotent, so redelivery is harmless.
 */
export function registerEnsurePartitionsJob(app: App) {
  mountJob(app, ensurePartitionsJob, async (_job, c) => {
    const created = await ensureReadingPartitions(c.var.db(), new Date(c.var.deps.now()));
    return c.json({ created }, 200);
  });
}
