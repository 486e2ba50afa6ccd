import { DomainError } from '@anythingiot/core';
import { type Alert, type AlertFilter, alertRepo } from '@anythingiot/db';
import type { TenantCtx } from '../auth/tenant-ctx.js';

/** Newest first, filtered, with an opaque cursor for the next page. */
export async function listAlerts({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: AlertFilter & { limit: number; cursor?: string };
}): Promise<{ items: Alert[]; nextCursor: string | null }> {
  const { limit, cursor, ...filter } = input;
  const before = cursor === undefined ? undefined : decodeCursor(cursor);
  const rows = await alertRepo(ctx.db, ctx.tenantId).list(filter, { limit: limit + 1, before });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > limit && last
        ? btoa(`${last.raisedAt.toISOString()}|${last.id}`).replace(/=+$/, '')
        : null,
  };
}

function decodeCursor(cursor: string): { raisedAt: Date; id: string } {
  let decoded = '';
  try {
    decoded = atob(cursor);
  } catch {
    // refused below
  }
  const [iso, id] = decoded.split('|');
  const raisedAt = new Date(iso ?? '');
  if (!id || Number.isNaN(raisedAt.getTime())) {
    throw new DomainError('VALIDATION', 'The cursor is not one this API returned.', {
      errors: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  }
  return { raisedAt, id };
}
