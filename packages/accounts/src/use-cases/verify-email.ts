import { schema } from '@anythingiot/db';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { AccountsContext } from '../deps.js';
import { auditForUser, userActor } from '../store.js';
import { hashToken, isTokenShape } from '../tokens.js';
import { invalidLink } from '../validation.js';

const { accountTokens, users } = schema;

/**
 * Marks the address verified by the token mailed to it. The token is consumed by a
 * conditional update (unused, unexpired), so it works exactly once even under concurrency,
 * and only while the account still has the address it was sent to.
 */
export async function verifyEmail({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { token: unknown };
}): Promise<{ userId: string; email: string }> {
  if (!isTokenShape(input.token)) throw invalidLink('verification');
  const hash = hashToken(input.token);
  const at = ctx.deps.now();
  return ctx.deps.db.transaction(async (tx) => {
    const [used] = await tx
      .update(accountTokens)
      .set({ usedAt: at, updatedAt: at })
      .where(
        and(
          eq(accountTokens.tokenHash, hash),
          eq(accountTokens.purpose, 'email_verification'),
          isNull(accountTokens.usedAt),
          gt(accountTokens.expiresAt, at),
        ),
      )
      .returning({ userId: accountTokens.userId, email: accountTokens.email });
    if (!used) throw invalidLink('verification');
    const [user] = await tx
      .update(users)
      .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${at})`, updatedAt: at })
      .where(and(eq(users.id, used.userId), sql`lower(${users.email}) = ${used.email}`))
      .returning({ id: users.id, email: users.email });
    if (!user) throw invalidLink('verification');
    await auditForUser(tx, ctx, user.id, {
      actor: userActor(user.id),
      action: 'user.email_verify',
      target: { type: 'user', id: user.id },
      after: { email: user.email },
    });
    return { userId: user.id, email: user.email };
  });
}
