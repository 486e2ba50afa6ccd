import { ESCALATE_JOB_PATH, EscalateJobSchema, escalate } from '@anythingiot/services';
import type { App } from '../../app-type.js';
import { notificationPorts } from '../../service-ports.js';
import { parseJob } from './parse-job.js';
import { verifiedJobBody } from './verify-qstash.js';

/**
 * QStash callback that runs one step of an alert's escalation (services' `escalate`). Plain
 * route, not in the public OpenAPI document: only QStash calls it, signed.
 */
export function registerEscalateJob(app: App) {
  app.post(ESCALATE_JOB_PATH, async (c) => {
    const job = parseJob(EscalateJobSchema, await verifiedJobBody(c));
    const ctx = { db: c.var.db(), ports: notificationPorts(c.var.deps) };
    return c.json(await escalate({ ctx, input: job }), 200);
  });
}
