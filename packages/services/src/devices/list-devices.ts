import type { Connectivity } from '@anythingiot/core';
import { type Device, type DeviceFilter, deviceRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { decodeCursor, encodeCursor } from '../lib/page-cursor.js';

export type ListDevicesInput = Omit<DeviceFilter, 'connectivity'> & {
  /** Only devices in this state now (core's `deviceConnectivity`, at the ctx's clock and factor). */
  connectivity?: Connectivity;
  limit: number;
  cursor?: string;
};

/** One page of the tenant's devices in creation order, with an opaque cursor for the next. */
export async function listDevices({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: ListDevicesInput;
}): Promise<{ items: Device[]; nextCursor: string | null }> {
  const { limit, cursor, connectivity, ...filter } = input;
  const position = cursor === undefined ? undefined : decodeCursor(cursor);
  const after = position && { createdAt: position.at, id: position.id };
  // One extra row tells whether another page exists without a count query.
  const rows = await deviceRepo(ctx.db, ctx.tenantId, ctx).list(
    {
      ...filter,
      ...(connectivity && {
        connectivity: {
          is: connectivity,
          clock: { now: ctx.ports.now(), offlineFactor: ctx.ports.offlineFactor },
        },
      }),
    },
    { limit: limit + 1, after },
  );
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null;
  return { items, nextCursor };
}
