import { isId } from '@anythingiot/core';
import type { AccountsContext } from '../deps.js';
import type { SessionUser, StartedSession } from '../sessions.js';
import { activeMembership, notFound } from '../store.js';

/**
 * Makes another tenant the session's active one. An active membership there is required; a
 * tenant the user does not belong to answers NOT_FOUND, exactly like one that does not exist.
 * The session gets a new id (privileges change with the tenant).
 */
export async function switchTenant({
  ctx,
  user,
  input,
}: {
  ctx: AccountsContext;
  user: SessionUser;
  input: { tenantId: unknown };
}): Promise<{ tenantId: string; session: StartedSession }> {
  const { tenantId } = input;
  if (typeof tenantId !== 'string' || !isId('tenant', tenantId)) throw notFound('Company');
  const membership = await activeMembership(ctx.deps.db, user.userId, tenantId);
  if (!membership) throw notFound('Company');
  const session = await ctx.deps.sessions.rotate(user.sessionId, user.userId, tenantId);
  return { tenantId, session };
}
