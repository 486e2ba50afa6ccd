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

import type { AnswerScope } from './after-answer.js';
import type { AccountsContext } from './deps.js';

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

export const userActor = (userId: string): Actor => ({ type: 'user', id: userId });

export function notFound(what: string, reason = 'not_found'): DomainError {
  return new DomainError('NOT_FOUND', `${what} not found.`, { reason });
}

/** Where work beside the answer logs, and the runtime's `waitUntil` (see `after-answer.ts`). */
export const answerScope = (ctx: AccountsContext): AnswerScope => ({
  requestId: ctx.requestId,
  warn: ctx.deps.warn,
  ...(ctx.waitUntil ? { waitUntil: ctx.waitUntil } : {}),
});
