import {
  accountLink,
  EmailSchema,
  hashToken,
  newToken,
  parseInput,
  renderPasswordReset,
} from '@anythingiot/accounts';
import { accountTokenRepo, findUserByEmail } from '@anythingiot/db';
import { z } from 'zod';
import { type AccountCtx, afterAnswer, sendQuietly } from './account-ctx.js';

export const PASSWORD_RESET_MINUTES = 60;
/** Reset emails per address per hour; beyond that requests are accepted and nothing is sent. */
export const PASSWORD_RESET_EMAILS_PER_HOUR = 3;

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
  ctx: AccountCtx;
  input: { email: unknown };
}): Promise<typeof PASSWORD_RESET_ANSWER> {
  const { email } = parseInput(z.object({ email: EmailSchema }), input);
  const capKey = `pwreset:${hashToken(email)}`;
  const [sent] = await ctx.ports.redis
    .multi()
    .incr(capKey)
    .expire(capKey, 3600, 'NX')
    .exec<[number, number]>();
  const user = await findUserByEmail(ctx.db, email);
  if (!user || user.disabledAt !== null || sent > PASSWORD_RESET_EMAILS_PER_HOUR) {
    return PASSWORD_RESET_ANSWER;
  }
  const token = newToken();
  const at = ctx.ports.now();
  // The token and email only a known address causes run after the answer (in a Worker), so a
  // known address does not answer measurably slower than an unknown one.
  await afterAnswer(ctx, 'password reset', async () => {
    await accountTokenRepo(ctx.db).issue({
      userId: user.id,
      email: user.email,
      purpose: 'password_reset',
      tokenHash: token.hash,
      expiresAt: new Date(at.getTime() + PASSWORD_RESET_MINUTES * 60_000),
    });
    await sendQuietly(
      ctx,
      {
        to: user.email,
        ...renderPasswordReset({
          link: accountLink(ctx.ports.appUrl, 'resetPassword', token.token),
          minutes: PASSWORD_RESET_MINUTES,
        }),
      },
      'password_reset',
    );
  });
  return PASSWORD_RESET_ANSWER;
}
