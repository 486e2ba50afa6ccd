import { type Actor, DomainError, newId, type Role } from '@anythingiot/core';
import {
  activeTenantIds,
  appendAudit,
  type Database,
  type Executor,
  schema,
} from '@anythingiot/db';

export {
  type ActiveMembership,
  activeMembership,
  activeTenantIds,
  findUserByEmail,
  type UserRow,
} from '@anythingiot/db';

import type { AccountsContext } from './deps.js';
import type { Mailer, OutgoingEmail } from './mail/mailer.js';

const { memberships } = schema;

/** A transaction handle as `db.transaction` passes it. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

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
