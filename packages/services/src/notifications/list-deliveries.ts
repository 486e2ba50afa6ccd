import { type Delivery, type DeliveryFilter, deliveryRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { decodeCursor, encodeCursor } from '../lib/page-cursor.js';
import { notFound, requireWholeTenant } from './notification-guards.js';

/** Newest first, filtered (alert, status incl. `dead`, channel), with an opaque cursor. */
export async function listDeliveries({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: DeliveryFilter & { limit: number; cursor?: string };
}): Promise<{ items: Delivery[]; nextCursor: string | null }> {
  requireWholeTenant(ctx, 'Deliveries');
  const { limit, cursor, ...filter } = input;
  const position = cursor === undefined ? undefined : decodeCursor(cursor);
  const before = position && { createdAt: position.at, id: position.id };
  const rows = await deliveryRepo(ctx.db, ctx.tenantId).list(filter, { limit: limit + 1, before });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

export async function getDelivery({ ctx, input }: { ctx: TenantCtx; input: { id: string } }) {
  requireWholeTenant(ctx, 'Deliveries');
  const delivery = await deliveryRepo(ctx.db, ctx.tenantId).get(input.id);
  if (!delivery) throw notFound('delivery', input.id);
  return delivery;
}
