import {
  alertsSweepJob,
  checkExcursion,
  excursionCheckJob,
  sweepAlerts,
} from '@anythingiot/services';
import type { App } from '../../app-type.js';
import { jobCtx, mountJob } from '../../jobs/mount-job.js';

/**
 * QStash callbacks of the alert pipeline. Both are idempotent; a failure answers 5xx so QStash
 * retries.
 */
export function registerAlertJobs(app: App) {
  mountJob(app, excursionCheckJob, async (job, c) => {
    const decision = await checkExcursion({ ctx: jobCtx(c, excursionCheckJob), input: job });
    return c.json({ decision }, 200);
  });
  mountJob(app, alertsSweepJob, async (_job, c) =>
    c.json(await sweepAlerts({ ctx: jobCtx(c, alertsSweepJob) }), 200),
  );
}
