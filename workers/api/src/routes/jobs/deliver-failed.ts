import { deliveryRepo } from '@anythingiot/db';
import { z } from 'zod';
import type { App } from '../../app-type.js';
import { DELIVER_FAILED_JOB_PATH, DeliverJobSchema, parseJob } from '../../notify/jobs.js';
import { verifiedJobBody } from './verify-qstash.js';

// What QStash posts to a failure callback: the last answer and the original message, base64.
const FailureCallbackSchema = z.object({
  status: z.number().int(),
  retried: z.number().int().optional(),
  sourceBody: z.string(),
});

/**
 * QStash's failure callback for deliver jobs: retries are exhausted, so the delivery becomes a
 * dead letter (status `dead`, listed by `GET /v1/deliveries?status=dead`). Its last_error stays
 * what the last attempt recorded. Idempotent: a sent or already dead delivery is left alone.
 */
export function registerDeliverFailedJob(app: App) {
  app.post(DELIVER_FAILED_JOB_PATH, async (c) => {
    const callback = parseJob(FailureCallbackSchema, await verifiedJobBody(c));
    const job = parseJob(DeliverJobSchema, atobUtf8(callback.sourceBody));
    const dead = await deliveryRepo(c.var.db(), job.tenantId).markDead(
      job.deliveryId,
      // Without an answer (status 0: timeout, network) the last recorded error may be older.
      callback.status === 0 ? 'QStash got no answer from the deliver job' : null,
    );
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
