import { invalidLink, type StartedSession } from '@anythingiot/accounts';
import { DomainError } from '@anythingiot/core';
import { invitationAcceptanceRepo } from '@anythingiot/db';
import type { UserCtx } from './account-ctx.js';
import { pendingInvitation } from './invitation-link.js';

/**
 * Accepts an invitation with the signed-in account, which must have the invited address
 * (an invitation is for a person, not for whoever holds the link). Adds the membership and
 * switches the session to that tenant under a new session id.
 */
export async function acceptInvitation({
  ctx,
  input,
}: {
  ctx: UserCtx;
  input: { token: unknown };
}): Promise<{ tenantId: string; membershipId: string; session: StartedSession }> {
  const { user } = ctx;
  const inv = await pendingInvitation(ctx, input.token);
  if (inv.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new DomainError(
      'FORBIDDEN',
      'This invitation was sent to a different email address. Log in with that address to accept it.',
      { reason: 'invitation_for_another_email' },
    );
  }
  const joined = await invitationAcceptanceRepo(ctx.db).join(inv, user.userId, {
    requestId: ctx.requestId,
    at: ctx.ports.now(),
  });
  if (!joined) throw invalidLink('invitation');
  const session = await ctx.ports.sessions.rotate(user.sessionId, user.userId, inv.tenantId);
  return { tenantId: inv.tenantId, membershipId: joined.membershipId, session };
}
