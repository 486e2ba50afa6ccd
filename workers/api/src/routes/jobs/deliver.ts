import { DeliveryFailed, deliver, deliverJob } from '@anythingiot/services';
import type { App } from '../../app-type.js';
import { mountJob } from '../../jobs/mount-job.js';
import { problemResponse } from '../../lib/problem.js';
import { notificationPorts } from '../../service-ports.js';

/**
 * QStash callback that sends one delivery. A failed send answers 502 so QStash retries it,
 * with the retries and delay set when it was published (no Retry-After to override them).
 */
export function registerDeliverJob(app: App) {
  mountJob(app, deliverJob, async (job, c) => {
    let result: Awaited<ReturnType<typeof deliver>>;
    try {
      result = await deliver({
        ctx: { db: c.var.db(), ports: notificationPorts(c.var.deps) },
        input: job,
      });
    } catch (err) {
      if (!(err instanceof DeliveryFailed)) throw err;
      return problemResponse(c, {
        title: 'Delivery failed',
        status: 502,
        detail: `Delivery ${err.deliveryId} failed; its last_error says why.`,
        code: 'delivery_failed',
      });
    }
    return c.json(
      result.outcome === 'sent' || result.outcome === 'dead'
        ? { outcome: result.outcome, status: result.delivery?.status }
        : result,
      200,
    );
  });
}
