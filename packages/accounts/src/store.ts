import { type Actor, DomainError, newId, type Role } from '@anythingiot/core';
import {
  appendAudit,
  type Database,
  type Executor,
  membershipFacilityIds,
  schema,
} from '@anythingiot/db';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { AccountsContext } from './deps.js';
import type { Mailer, OutgoingEmail } from './mail/mailer.js';

const { users, memberships } = schema;

/** A transaction handle as `db.transaction` passes it. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(exec: Executor, email: string): Promise<UserRow | null> {
  const [row] = await exec
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return row ?? null;
}

export type ActiveMembership = {
  membershipId: string;
  tenantId: string;
  role: Role;
  facilityIds: string[];
};

/** The user's active membership in the tenant, with its facilities; null when none. */
export async function activeMembership(
  exec: Executor,
  userId: string,
  tenantId: string,
): Promise<ActiveMembership | null> {
  const [m] = await exec
    .select({ id: memberships.id, role: memberships.role })
    .from(memberships)
    .where(
      and(
        eq(memberships.tenantId, tenantId),
        eq(memberships.userId, userId),
        isNull(memberships.deactivatedAt),
      ),
    );
  if (!m) return null;
  return {
    membershipId: m.id,
    tenantId,
    role: m.role,
    facilityIds: await membershipFacilityIds(exec, tenantId, m.id),
  };
}

/** Tenants where the user has an active membership, oldest membership first. */
export async function activeTenantIds(exec: Executor, userId: string): Promise<string[]> {
  const rows = await exec
    .select({ tenantId: memberships.tenantId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), isNull(memberships.deactivatedAt)))
    .orderBy(asc(memberships.createdAt), asc(memberships.id));
  return rows.map((r) => r.tenantId);
}

/** One audit entry in one tenant, inside the transaction that makes the change. */
export function audit(
  tx: Executor,
  ctx: AccountsContext,
  tenantId: string,
  entry: {
    actor: Actor;
    action: string;
    target: { type: string; id: string };
    before?: unknown;
    after?: unknown;
    reason?: string | null;
  },
) {
  return appendAudit(
    tx,
    {
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      before: entry.before ?? null,
      after: entry.after ?? null,
      reason: entry.reason ?? null,
      requestId: ctx.requestId,
      at: ctx.deps.now(),
    },
    tenantId,
  );
}

/**
 * User-level events (login, password reset, email verified) belong to no single tenant: they
 * are recorded in the chain of every tenant the user is an active member of.
 */
export async function auditForUser(
  tx: Executor,
  ctx: AccountsContext,
  userId: string,
  entry: Parameters<typeof audit>[3],
): Promise<void> {
  for (const tenantId of await activeTenantIds(tx, userId)) {
    await audit(tx, ctx, tenantId, entry);
  }
}

/** Creates a membership row and returns its id. */
export async function insertMembership(
  tx: Tx,
  tenantId: string,
  userId: string,
  role: Role,
): Promise<string> {
  const id = newId('membership');
  await tx.insert(memberships).values({ id, tenantId, userId, role });
  return id;
}

/**
 * Sends an email whose failure must not change the answer (the change is committed, or the
 * answer must look the same either way): logged, reported as `false`.
 */
export async function sendQuietly(
  ctx: AccountsContext,
  mailer: Mailer,
  email: OutgoingEmail,
  kind: string,
): Promise<boolean> {
  try {
    await mailer(email);
    return true;
  } catch (err) {
    ctx.deps.warn('account email not sent', {
      kind,
      requestId: ctx.requestId,
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}

export const userActor = (userId: string): Actor => ({ type: 'user', id: userId });

export function notFound(what: string, reason = 'not_found'): DomainError {
  return new DomainError('NOT_FOUND', `${what} not found.`, { reason });
}

/**
 * Work whose duration must not show in the answer's timing (an audit entry only a known
 * address causes, an email only a known address gets): in a Worker it runs after the response
 * (`waitUntil`); elsewhere (tests, scripts) it is awaited, so its effects are there when the
 * call returns. A failure is logged, never changes the answer.
 */
export async function afterAnswer(
  ctx: AccountsContext,
  what: string,
  work: () => Promise<unknown>,
): Promise<void> {
  const run = work().catch((err) =>
    ctx.deps.warn(`${what} failed`, {
      requestId: ctx.requestId,
      error: err instanceof Error ? err.message : String(err),
    }),
  );
  if (ctx.waitUntil) ctx.waitUntil(run);
  else await run;
}
