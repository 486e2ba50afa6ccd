import { type ChainedAuditEntry, DomainError } from '@anythingiot/core';
import { type AuditFilter, auditPage } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { facilityLimited } from '../facilities/facility-errors.js';
import { decodeCursor, encodeCursor } from '../lib/page-cursor.js';

export type AuditQuery = AuditFilter & { limit: number; cursor?: string };

/** An audit entry as the dashboard shows it (the chain hashes stay for verification). */
export type AuditEntry = ChainedAuditEntry;

/**
 * Entries carry no facility, so a caller limited to facilities could only be shown all or
 * nothing; the audit log is for those who see every facility (owners, admins, auditors).
 */
export function assertSeesWholeTenant(ctx: TenantCtx) {
  if (ctx.facilityIds !== null) throw facilityLimited('Reading the audit log');
}

/** The chain position a cursor names (the cursor carries the entry's time and `seq`). */
function positionOf(cursor: string): number {
  const { id } = decodeCursor(cursor);
  const seq = Number(id);
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new DomainError('VALIDATION', 'The cursor is not one this API returned.', {
      errors: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  }
  return seq;
}

/**
 * One page of the tenant's audit log, newest first, filtered by who (`actorType`, `actorId`),
 * what (`targetType`, `targetId`, `action`) and when (`from` inclusive, `to` exclusive), with an
 * opaque cursor for the next page.
 */
export async function listAuditLog({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: AuditQuery;
}): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  assertSeesWholeTenant(ctx);
  const { limit, cursor, ...filter } = input;
  const beforeSeq = cursor === undefined ? undefined : positionOf(cursor);
  const rows = await auditPage(ctx.db, ctx.tenantId, filter, { limit: limit + 1, beforeSeq });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(last.at, String(last.seq)) : null,
  };
}
