import { alertsSweepJob, excursionCheckJob } from '@anythingiot/services';
import { checkExcursion } from '../../alerts/check-excursion.js';
import { sweepAlerts } from '../../alerts/sweep-alerts.js';
import type { App } from '../../app-type.js';
import { mountJob } from '../../jobs/mount-job.js';

/**
 * QStash callbacks of the alert pipeline. Both are idempotent; a failure answers 5xx so QStash
 * retries.
 */
export function registerAlertJobs(app: App) {
  mountJob(app, excursionCheckJob, async (job, c) => {
    const decision = await checkExcursion(c.var.deps, c.var.db(), job, c.var.requestId);
    return c.json({ decision }, 200);
  });
  mountJob(app, alertsSweepJob, async (_job, c) =>
    c.json(await sweepAlerts(c.var.deps, c.var.db(), c.var.requestId), 200),
  );
}
