import { type Alert, type AlertFilter, alertRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { decodeCursor, encodeCursor } from '../lib/page-cursor.js';

/** Newest first, filtered, with an opaque cursor for the next page. */
export async function listAlerts({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: AlertFilter & { limit: number; cursor?: string };
}): Promise<{ items: Alert[]; nextCursor: string | null }> {
  const { limit, cursor, ...filter } = input;
  const position = cursor === undefined ? undefined : decodeCursor(cursor);
  const before = position && { raisedAt: position.at, id: position.id };
  const rows = await alertRepo(ctx.db, ctx.tenantId, ctx).list(filter, {
    limit: limit + 1,
    before,
  });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(last.raisedAt, last.id) : null,
  };
}
