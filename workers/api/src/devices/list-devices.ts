import { DomainError } from '@anythingiot/core';
import { type Device, type DeviceFilter, deviceRepo } from '@anythingiot/db';
import type { TenantCtx } from '../auth/tenant-ctx.js';

export type ListDevicesInput = DeviceFilter & { limit: number; cursor?: string };

/** One page of the tenant's devices in creation order, with an opaque cursor for the next. */
export async function listDevices({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: ListDevicesInput;
}): Promise<{ items: Device[]; nextCursor: string | null }> {
  const { limit, cursor, ...filter } = input;
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  // One extra row tells whether another page exists without a count query.
  const rows = await deviceRepo(ctx.db, ctx.tenantId).list(filter, { limit: limit + 1, after });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor(last) : null;
  return { items, nextCursor };
}

function encodeCursor(device: Device): string {
  return btoa(`${device.createdAt.toISOString()}|${device.id}`).replace(/=+$/, '');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  let decoded = '';
  try {
    decoded = atob(cursor);
  } catch {
    // fall through to the refusal below
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
