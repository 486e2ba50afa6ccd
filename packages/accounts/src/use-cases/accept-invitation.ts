import { DomainError } from '@anythingiot/core';
import type { AccountsContext } from '../deps.js';
import { joinTenant, pendingInvitation } from '../invitations.js';
import type { SessionUser, StartedSession } from '../sessions.js';

/**
 * Accepts an invitation with the signed-in account, which must have the invited address
 * (an invitation is for a person, not for whoever holds the link). Adds the membership and
 * switches the session to that tenant under a new session id.
 */
export async function acceptInvitation({
  ctx,
  user,
  input,
}: {
  ctx: AccountsContext;
  user: SessionUser;
  input: { token: unknown };
}): Promise<{ tenantId: string; membershipId: string; session: StartedSession }> {
  const { db, sessions, now } = ctx.deps;
  const inv = await pendingInvitation(db, input.token, now());
  if (inv.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new DomainError(
      'FORBIDDEN',
      'This invitation was sent to a different email address. Log in with that address to accept it.',
      { reason: 'invitation_for_another_email' },
    );
  }
  const { membershipId } = await db.transaction((tx) => joinTenant(tx, ctx, inv, user.userId));
  const session = await sessions.rotate(user.sessionId, user.userId, inv.tenantId);
  return { tenantId: inv.tenantId, membershipId, session };
}
