import {
  type Actor,
  type AuditContent,
  auditEntryHash,
  type ChainedAuditEntry,
  type ChainVerdict,
  GENESIS_HASH,
  newId,
  verifyAuditChain,
} from '@anythingiot/core';
import { and, asc, desc, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { auditLog } from '../schema/index.js';

/** A database or an open transaction: repositories work inside either. */
export type Executor = Pick<Database, 'select' | 'insert' | 'update' | 'delete' | 'execute'>;

/**
 * Appends one entry to the tenant's chain. Run it inside the transaction that makes the change,
 * so the change and its record commit together. The advisory lock serialises appends per
 * tenant (each needs the previous hash) without blocking other tenants.
 */
export async function appendAudit(
  tx: Executor,
  content: Omit<AuditContent, 'tenantId'>,
  tenantId: string,
): Promise<ChainedAuditEntry> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`audit:${tenantId}`}, 0))`);
  const [last] = await tx
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .where(eq(auditLog.tenantId, tenantId))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const entry = { ...content, tenantId, seq };
  const hash = await auditEntryHash(entry, prevHash);
  await tx.insert(auditLog).values({
    id: newId('audit'),
    tenantId,
    seq,
    at: content.at,
    actorType: content.actor.type,
    actorId: content.actor.id,
    action: content.action,
    targetType: content.target.type,
    targetId: content.target.id,
    before: content.before ?? null,
    after: content.after ?? null,
    reason: content.reason,
    requestId: content.requestId,
    prevHash,
    hash,
  });
  return { ...entry, prevHash, hash };
}

const entryFromRow = (r: typeof auditLog.$inferSelect): ChainedAuditEntry => ({
  tenantId: r.tenantId,
  seq: r.seq,
  at: r.at,
  actor: { type: r.actorType, id: r.actorId },
  action: r.action,
  target: { type: r.targetType, id: r.targetId },
  before: r.before,
  after: r.after,
  reason: r.reason,
  requestId: r.requestId,
  prevHash: r.prevHash,
  hash: r.hash,
});

/** The tenant's entries in chain order. */
export async function listAudit(db: Executor, tenantId: string): Promise<ChainedAuditEntry[]> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(eq(auditLog.tenantId, tenantId))
    .orderBy(asc(auditLog.seq));
  return rows.map(entryFromRow);
}

/** Who, what and when to look for in the audit log; every given field must match. */
export type AuditFilter = {
  actorType?: Actor['type'];
  actorId?: string;
  /** The kind of thing changed: `device`, `facility`, `alert`, `alert_rule`, `api_key`, … */
  targetType?: string;
  targetId?: string;
  /** One action, e.g. `device.update`. */
  action?: string;
  /** At or after. */
  from?: Date;
  /** Before. */
  to?: Date;
};

/**
 * One page of the tenant's audit log, newest first (by chain position, which is the order the
 * changes committed in); pass the previous page's last `seq` as `beforeSeq` for the next.
 */
export async function auditPage(
  db: Executor,
  tenantId: string,
  filter: AuditFilter,
  page: { limit: number; beforeSeq?: number },
): Promise<ChainedAuditEntry[]> {
  const where: SQL[] = [eq(auditLog.tenantId, tenantId)];
  if (filter.actorType) where.push(eq(auditLog.actorType, filter.actorType));
  if (filter.actorId) where.push(eq(auditLog.actorId, filter.actorId));
  if (filter.targetType) where.push(eq(auditLog.targetType, filter.targetType));
  if (filter.targetId) where.push(eq(auditLog.targetId, filter.targetId));
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lt(auditLog.at, filter.to));
  if (page.beforeSeq !== undefined) where.push(lt(auditLog.seq, page.beforeSeq));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.seq))
    .limit(page.limit);
  return rows.map(entryFromRow);
}

/** Re-computes the tenant's whole chain from the stored rows. */
export async function verifyTenantAudit(db: Executor, tenantId: string): Promise<ChainVerdict> {
  return verifyAuditChain(await listAudit(db, tenantId));
}

/**
 * The audit writer of one repository: the tenant and the kind of target are bound once, so
 * each change records itself in one line inside its transaction.
 */
export function auditTrail(tenantId: string, targetType: string) {
  return (
    tx: Executor,
    meta: { actor: Actor; requestId: string | null },
    action: string,
    id: string,
    before: unknown,
    after: unknown,
    reason: string | null = null,
  ) =>
    appendAudit(
      tx,
      {
        actor: meta.actor,
        action,
        target: { type: targetType, id },
        before,
        after,
        reason,
        requestId: meta.requestId,
        at: new Date(),
      },
      tenantId,
    );
}

/** Before and after of just the fields a patch names: what an update's audit entry records. */
export function patchedFields<T extends object>(
  patch: Partial<T>,
  before: T,
  after: T | undefined,
): [before: Partial<T>, after: Partial<T>] {
  const keys = Object.keys(patch) as (keyof T)[];
  return [
    Object.fromEntries(keys.map((k) => [k, before[k]])) as Partial<T>,
    Object.fromEntries(keys.map((k) => [k, after?.[k]])) as Partial<T>,
  ];
}
