import type { App } from '../../app-type.js';
import { deliver } from '../../notify/deliver.js';
import { DELIVER_JOB_PATH, DeliverJobSchema, parseJob } from '../../notify/jobs.js';
import { verifiedJobBody } from './verify-qstash.js';

/**
 * QStash callback that sends one delivery. A failed send answers 503 so QStash retries it
 * (with the retries and delay set when it was published).
 */
export function registerDeliverJob(app: App) {
  app.post(DELIVER_JOB_PATH, async (c) => {
    const job = parseJob(DeliverJobSchema, await verifiedJobBody(c));
    const result = await deliver({ ctx: { deps: c.var.deps, db: c.var.db() }, input: job });
    return c.json(
      result.outcome === 'sent' || result.outcome === 'dead'
        ? { outcome: result.outcome, status: result.delivery?.status }
        : result,
      200,
    );
  });
}
