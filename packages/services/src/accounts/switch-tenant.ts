import type { StartedSession } from '@anythingiot/accounts';
import { DomainError, isId } from '@anythingiot/core';
import { activeMembership } from '@anythingiot/db';
import type { UserCtx } from './account-ctx.js';

const companyNotFound = () =>
  new DomainError('NOT_FOUND', 'Company not found.', { reason: 'not_found' });

/**
 * Makes another tenant the session's active one. An active membership there is required; a
 * tenant the user does not belong to answers NOT_FOUND, exactly like one that does not exist.
 * The session gets a new id (privileges change with the tenant).
 */
export async function switchTenant({
  ctx,
  input,
}: {
  ctx: UserCtx;
  input: { tenantId: unknown };
}): Promise<{ tenantId: string; session: StartedSession }> {
  const { tenantId } = input;
  if (typeof tenantId !== 'string' || !isId('tenant', tenantId)) throw companyNotFound();
  const membership = await activeMembership(ctx.db, ctx.user.userId, tenantId);
  if (!membership) throw companyNotFound();
  const session = await ctx.ports.sessions.rotate(ctx.user.sessionId, ctx.user.userId, tenantId);
  return { tenantId, session };
}
