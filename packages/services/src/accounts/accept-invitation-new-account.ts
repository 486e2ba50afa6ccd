import { invalidLink, parseInput, passwordRule, type StartedSession } from '@anythingiot/accounts';
import { DomainError, newId } from '@anythingiot/core';
import { findUserByEmail, invitationAcceptanceRepo, isUniqueViolation } from '@anythingiot/db';
import { z } from 'zod';
import type { AccountCtx } from './account-ctx.js';
import { pendingInvitation } from './invitation-link.js';

export const NewAccountInputSchema = z.object({
  name: z
    .string({ error: 'Enter your name.' })
    .trim()
    .min(1, 'Enter your name.')
    .max(100, 'Use at most 100 characters.'),
  password: z.string({ error: 'Choose a password.' }),
});

const accountExists = () =>
  new DomainError(
    'CONFLICT',
    'An account with this email already exists. Log in to accept the invitation.',
    { reason: 'account_exists' },
  );

/**
 * Accepts an invitation by creating the account of the invited address (name and password
 * chosen here; the address counts as verified, since the mailed link proved it) and signs in
 * to the inviting tenant.
 */
export async function acceptInvitationNewAccount({
  ctx,
  input,
}: {
  ctx: AccountCtx;
  input: { token: unknown; name: unknown; password: unknown };
}): Promise<{ userId: string; tenantId: string; membershipId: string; session: StartedSession }> {
  const inv = await pendingInvitation(ctx, input.token);
  const data = parseInput(NewAccountInputSchema, input, passwordRule(inv.email));
  if (await findUserByEmail(ctx.db, inv.email)) throw accountExists();
  const passwordHash = await ctx.ports.passwords.hash(data.password);
  const userId = newId('user');
  let joined: { membershipId: string } | undefined;
  try {
    joined = await invitationAcceptanceRepo(ctx.db).createAndJoin(
      inv,
      { id: userId, name: data.name, passwordHash },
      { requestId: ctx.requestId, at: ctx.ports.now() },
    );
  } catch (err) {
    if (isUniqueViolation(err, 'users_email_idx')) throw accountExists();
    throw err;
  }
  if (!joined) throw invalidLink('invitation');
  const session = await ctx.ports.sessions.start(userId, inv.tenantId);
  return { userId, tenantId: inv.tenantId, membershipId: joined.membershipId, session };
}
