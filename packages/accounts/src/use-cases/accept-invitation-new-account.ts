import { DomainError, newId } from '@anythingiot/core';
import { isUniqueViolation, schema } from '@anythingiot/db';
import { z } from 'zod';
import type { AccountsContext } from '../deps.js';
import { joinTenant, pendingInvitation } from '../invitations.js';
import type { StartedSession } from '../sessions.js';
import { audit, findUserByEmail, userActor } from '../store.js';
import { parseInput, passwordRule } from '../validation.js';

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
  ctx: AccountsContext;
  input: { token: unknown; name: unknown; password: unknown };
}): Promise<{ userId: string; tenantId: string; membershipId: string; session: StartedSession }> {
  const { db, passwords, sessions, now } = ctx.deps;
  const inv = await pendingInvitation(db, input.token, now());
  const data = parseInput(NewAccountInputSchema, input, passwordRule(inv.email));
  if (await findUserByEmail(db, inv.email)) throw accountExists();
  const passwordHash = await passwords.hash(data.password);
  const userId = newId('user');
  const at = now();
  let membershipId: string;
  try {
    ({ membershipId } = await db.transaction(async (tx) => {
      await tx.insert(schema.users).values({
        id: userId,
        email: inv.email.toLowerCase(),
        name: data.name,
        passwordHash,
        emailVerifiedAt: at,
      });
      await audit(tx, ctx, inv.tenantId, {
        actor: userActor(userId),
        action: 'user.create',
        target: { type: 'user', id: userId },
        after: { email: inv.email.toLowerCase(), name: data.name, invitationId: inv.id },
      });
      return joinTenant(tx, ctx, inv, userId);
    }));
  } catch (err) {
    if (isUniqueViolation(err, 'users_email_idx')) throw accountExists();
    throw err;
  }
  const session = await sessions.start(userId, inv.tenantId);
  return { userId, tenantId: inv.tenantId, membershipId, session };
}
