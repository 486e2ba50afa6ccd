import { type Database, type Delivery, deliveryRepo } from '@anythingiot/db';
import type { DeliverJob } from './jobs.js';

/**
 * The queue gave up on a deliver job (its failure callback): the delivery becomes a dead letter
 * (status `dead`, listed by the deliveries list with status=dead). Its last error stays what
 * the last attempt recorded, unless the queue got no answer at all (a timeout, the network),
 * when that recorded error may be older than the real cause. Idempotent: a sent or already
 * dead delivery is left alone (undefined).
 */
export function markDeliveryDead({
  ctx,
  input,
}: {
  ctx: { db: Database };
  input: DeliverJob & { gotAnswer: boolean };
}): Promise<Delivery | undefined> {
  return deliveryRepo(ctx.db, input.tenantId).markDead(
    input.deliveryId,
    input.gotAnswer ? null : 'QStash got no answer from the deliver job',
  );
}
