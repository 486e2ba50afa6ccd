import { escalate, escalateJob } from '@anythingiot/services';
import type { App } from '../../app-type.js';
import { mountJob } from '../../jobs/mount-job.js';
import { notificationPorts } from '../../service-ports.js';

/** QStash callback that runs one step of an alert's escalation (services' `escalate`). */
export function registerEscalateJob(app: App) {
  mountJob(app, escalateJob, async (job, c) => {
    const ctx = { db: c.var.db(), ports: notificationPorts(c.var.deps) };
    return c.json(await escalate({ ctx, input: job }), 200);
  });
}
