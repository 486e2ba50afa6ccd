import { schema } from '@anythingiot/db';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AccountsContext } from '../deps.js';
import { auditForUser, userActor } from '../store.js';
import { loginThrottle } from '../throttle.js';
import { hashToken, isTokenShape } from '../tokens.js';
import { invalidLink, parseInput, passwordRule } from '../validation.js';

const { accountTokens, users, sessions } = schema;

/**
 * Sets a new password with a mailed reset token: single use, unexpired, and only while the
 * account has the address the link was sent to. Ends every session of the user (whoever
 * knew the old password is signed out), marks the address verified (the link proved it) and
 * lifts a login lock-out. The user then logs in with the new password.
 */
export async function resetPassword({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { token: unknown; password: unknown };
}): Promise<{ userId: string }> {
  if (!isTokenShape(input.token)) throw invalidLink('password reset');
  const hash = hashToken(input.token);
  const { db, passwords, now } = ctx.deps;
  const at = now();
  const live = and(
    eq(accountTokens.tokenHash, hash),
    eq(accountTokens.purpose, 'password_reset'),
    isNull(accountTokens.usedAt),
    gt(accountTokens.expiresAt, at),
  );
  const [pending] = await db.select({ email: accountTokens.email }).from(accountTokens).where(live);
  if (!pending) throw invalidLink('password reset');
  const { password } = parseInput(
    z.object({ password: z.string({ error: 'Choose a password.' }) }),
    input,
    passwordRule(pending.email),
  );
  const passwordHash = await passwords.hash(password);

  const user = await db.transaction(async (tx) => {
    const [used] = await tx
      .update(accountTokens)
      .set({ usedAt: at, updatedAt: at })
      .where(live)
      .returning({ userId: accountTokens.userId, email: accountTokens.email });
    if (!used) throw invalidLink('password reset');
    const [changed] = await tx
      .update(users)
      .set({
        passwordHash,
        emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${at})`,
        updatedAt: at,
      })
      .where(and(eq(users.id, used.userId), sql`lower(${users.email}) = ${used.email}`))
      .returning({ id: users.id, email: users.email });
    if (!changed) throw invalidLink('password reset');
    await tx
      .delete(accountTokens)
      .where(
        and(
          eq(accountTokens.userId, changed.id),
          eq(accountTokens.purpose, 'password_reset'),
          isNull(accountTokens.usedAt),
        ),
      );
    await tx.delete(sessions).where(eq(sessions.userId, changed.id));
    await auditForUser(tx, ctx, changed.id, {
      actor: userActor(changed.id),
      action: 'user.password_reset',
      target: { type: 'user', id: changed.id },
      after: { ip: ctx.ip, sessionsEnded: true },
    });
    return changed;
  });
  await loginThrottle(ctx.deps.redis, ctx.deps.throttle).clear(user.email);
  return { userId: user.id };
}
