import { deliverFailedJob, deliverJob, markDeliveryDead } from '@anythingiot/services';
import type { App } from '../../app-type.js';
import { mountJob, parseJobBody } from '../../jobs/mount-job.js';

/**
 * QStash's failure callback for deliver jobs: retries are exhausted, so the delivery becomes a
 * dead letter (services' `markDeliveryDead`; listed by `GET /v1/deliveries?status=dead`).
 */
export function registerDeliverFailedJob(app: App) {
  mountJob(app, deliverFailedJob, async (callback, c) => {
    const job = parseJobBody(deliverJob, atobUtf8(callback.sourceBody));
    // Status 0: QStash got no answer at all (timeout, network).
    const dead = await markDeliveryDead({
      ctx: { db: c.var.db() },
      input: { ...job, gotAnswer: callback.status !== 0 },
    });
    return c.json({ deliveryId: job.deliveryId, dead: dead !== undefined }, 200);
  });
}

function atobUtf8(base64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0)));
  } catch {
    return '';
  }
}
