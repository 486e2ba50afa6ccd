import { schema } from '@anythingiot/db';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { AccountsContext } from '../deps.js';
import { accountLink } from '../links.js';
import { renderPasswordReset } from '../mail/templates.js';
import { afterAnswer, findUserByEmail, sendQuietly } from '../store.js';
import { hashToken, newToken } from '../tokens.js';
import { EmailSchema, parseInput } from '../validation.js';

export const PASSWORD_RESET_MINUTES = 60;
/** Reset emails per address per hour; beyond that requests are accepted and nothing is sent. */
export const PASSWORD_RESET_EMAILS_PER_HOUR = 3;

const { accountTokens } = schema;

/** The one answer, whether or not the address has an account. */
export const PASSWORD_RESET_ANSWER = {
  message: 'If an account exists for this address, we have sent it a link to reset the password.',
} as const;

/**
 * Mails a single-use reset link valid for an hour. The answer is the same for known and
 * unknown addresses (and when the per-address hourly cap is reached), so it reveals nothing;
 * a new request makes earlier unused links stop working.
 */
export async function requestPasswordReset({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { email: unknown };
}): Promise<typeof PASSWORD_RESET_ANSWER> {
  const { email } = parseInput(z.object({ email: EmailSchema }), input);
  const { db, redis, now } = ctx.deps;
  const capKey = `pwreset:${hashToken(email)}`;
  const [sent] = await redis
    .multi()
    .incr(capKey)
    .expire(capKey, 3600, 'NX')
    .exec<[number, number]>();
  const user = await findUserByEmail(db, email);
  if (!user || user.disabledAt !== null || sent > PASSWORD_RESET_EMAILS_PER_HOUR) {
    return PASSWORD_RESET_ANSWER;
  }
  const token = newToken();
  const at = now();
  // The token and email only a known address causes run after the answer (in a Worker), so a
  // known address does not answer measurably slower than an unknown one.
  await afterAnswer(ctx, 'password reset', async () => {
    await db.transaction(async (tx) => {
      await tx
        .delete(accountTokens)
        .where(
          and(
            eq(accountTokens.userId, user.id),
            eq(accountTokens.purpose, 'password_reset'),
            isNull(accountTokens.usedAt),
          ),
        );
      await tx.insert(accountTokens).values({
        tokenHash: token.hash,
        purpose: 'password_reset',
        userId: user.id,
        email: user.email,
        expiresAt: new Date(at.getTime() + PASSWORD_RESET_MINUTES * 60_000),
      });
    });
    await sendQuietly(
      ctx,
      ctx.deps.mailer,
      {
        to: user.email,
        ...renderPasswordReset({
          link: accountLink(ctx.deps.appUrl, 'resetPassword', token.token),
          minutes: PASSWORD_RESET_MINUTES,
        }),
      },
      'password_reset',
    );
  });
  return PASSWORD_RESET_ANSWER;
}
