import type { App } from '../../app-type.js';
import { escalate } from '../../notify/escalate.js';
import { ESCALATE_JOB_PATH, EscalateJobSchema, parseJob } from '../../notify/jobs.js';
import { verifiedJobBody } from './verify-qstash.js';

/**
 * QStash callback that runs one step of an alert's escalation (see notify/escalate.ts). Plain
 * route, not in the public OpenAPI document: only QStash calls it, signed.
 */
export function registerEscalateJob(app: App) {
  app.post(ESCALATE_JOB_PATH, async (c) => {
    const job = parseJob(EscalateJobSchema, await verifiedJobBody(c));
    const result = await escalate({ ctx: { deps: c.var.deps, db: c.var.db() }, input: job });
    return c.json(result, 200);
  });
}
