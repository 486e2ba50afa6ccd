import { type CommandStatus, isId } from '@anythingiot/core';
import { type Command, commandRepo, deviceRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { deviceNotFound } from '../devices/device-errors.js';
import { decodeCursor, encodeCursor } from '../lib/page-cursor.js';

/** A device's commands, newest first, with an opaque cursor for the next page. */
export async function listDeviceCommands({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { deviceId: string; status?: CommandStatus; limit: number; cursor?: string };
}): Promise<{ items: Command[]; nextCursor: string | null }> {
  const { deviceId, status, limit, cursor } = input;
  const position = cursor === undefined ? undefined : decodeCursor(cursor);
  if (!isId('device', deviceId)) throw deviceNotFound(deviceId);
  if (!(await deviceRepo(ctx.db, ctx.tenantId, ctx).get(deviceId))) throw deviceNotFound(deviceId);
  const rows = await commandRepo(ctx.db, ctx.tenantId, ctx).listForDevice(
    deviceId,
    { status },
    { limit: limit + 1, before: position && { createdAt: position.at, id: position.id } },
  );
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
