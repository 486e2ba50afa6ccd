import { DomainError } from '@anythingiot/core';
import { type Delivery, type DeliveryFilter, deliveryRepo } from '@anythingiot/db';
import type { TenantCtx } from '../auth/tenant-ctx.js';
import { notFound } from './notify-errors.js';

/** Newest first, filtered (alert, status incl. `dead`, channel), with an opaque cursor. */
export async function listDeliveries({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: DeliveryFilter & { limit: number; cursor?: string };
}): Promise<{ items: Delivery[]; nextCursor: string | null }> {
  const { limit, cursor, ...filter } = input;
  const before = cursor === undefined ? undefined : decodeCursor(cursor);
  const rows = await deliveryRepo(ctx.db, ctx.tenantId).list(filter, { limit: limit + 1, before });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > limit && last
        ? btoa(`${last.createdAt.toISOString()}|${last.id}`).replace(/=+$/, '')
        : null,
  };
}

export async function getDelivery({ ctx, input }: { ctx: TenantCtx; input: { id: string } }) {
  const delivery = await deliveryRepo(ctx.db, ctx.tenantId).get(input.id);
  if (!delivery) throw notFound('delivery', input.id);
  return delivery;
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  let decoded = '';
  try {
    decoded = atob(cursor);
  } catch {
    // refused below
  }
  const [iso, id] = decoded.split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw new DomainError('VALIDATION', 'The cursor is not one this API returned.', {
      errors: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  }
  return { createdAt, id };
}
