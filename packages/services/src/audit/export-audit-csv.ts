import { toCsv } from '@anythingiot/core';
import { type AuditFilter, auditPage } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { type AuditEntry, assertSeesWholeTenant } from './list-audit-log.js';

/** More rows than one download should carry in a Worker request; beyond it the answer says so. */
export const MAX_EXPORT_ROWS = 10_000;
const PAGE = 1_000;

export const AUDIT_CSV_HEADER = [
  'seq',
  'at',
  'actor_type',
  'actor_id',
  'action',
  'target_type',
  'target_id',
  'reason',
  'request_id',
  'before',
  'after',
  'hash',
] as const;

const row = (e: AuditEntry) => [
  e.seq,
  e.at,
  e.actor.type,
  e.actor.id,
  e.action,
  e.target.type,
  e.target.id,
  e.reason,
  e.requestId,
  e.before,
  e.after,
  e.hash,
];

/**
 * The filtered audit log as CSV, newest first (RFC 4180, CRLF, UTF-8 with a byte-order mark so
 * spreadsheets read `°C` right). Cells a spreadsheet would run as a formula are defused with a
 * leading `'` — reasons and names are typed by users. Stops at MAX_EXPORT_ROWS and says so:
 * narrow the time range for the rest.
 */
export async function exportAuditCsv({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: AuditFilter;
}): Promise<{ csv: string; rows: number; truncated: boolean }> {
  assertSeesWholeTenant(ctx);
  const entries: AuditEntry[] = [];
  let beforeSeq: number | undefined;
  while (entries.length <= MAX_EXPORT_ROWS) {
    const page = await auditPage(ctx.db, ctx.tenantId, input, { limit: PAGE, beforeSeq });
    entries.push(...page);
    if (page.length < PAGE) break;
    beforeSeq = page.at(-1)?.seq;
  }
  const kept = entries.slice(0, MAX_EXPORT_ROWS);
  return {
    csv: `\uFEFF${toCsv(AUDIT_CSV_HEADER, kept.map(row))}`,
    rows: kept.length,
    truncated: entries.length > MAX_EXPORT_ROWS,
  };
}
