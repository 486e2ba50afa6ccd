import { DELIVER_FAILED_JOB_PATH, DeliverJobSchema, markDeliveryDead } from '@anythingiot/services';
import { z } from 'zod';
import type { App } from '../../app-type.js';
import { parseJob } from './parse-job.js';
import { verifiedJobBody } from './verify-qstash.js';

// What QStash posts to a failure callback: the last answer and the original message, base64.
const FailureCallbackSchema = z.object({
  status: z.number().int(),
  retried: z.number().int().optional(),
  sourceBody: z.string(),
});

/**
 * QStash's failure callback for deliver jobs: retries are exhausted, so the delivery becomes a
 * dead letter (services' `markDeliveryDead`; listed by `GET /v1/deliveries?status=dead`).
 */
export function registerDeliverFailedJob(app: App) {
  app.post(DELIVER_FAILED_JOB_PATH, async (c) => {
    const callback = parseJob(FailureCallbackSchema, await verifiedJobBody(c));
    const job = parseJob(DeliverJobSchema, atobUtf8(callback.sourceBody));
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
