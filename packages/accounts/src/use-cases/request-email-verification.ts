import { schema } from '@anythingiot/db';
import { and, eq, isNull } from 'drizzle-orm';
import type { AccountsContext } from '../deps.js';
import { accountLink } from '../links.js';
import { renderVerifyEmail } from '../mail/templates.js';
import type { SessionUser } from '../sessions.js';
import { sendQuietly } from '../store.js';
import { newToken } from '../tokens.js';
import { EMAIL_VERIFICATION_HOURS } from './sign-up.js';

const { accountTokens } = schema;

/**
 * Mails the signed-in user a fresh verification link ("resend the email"); earlier unused
 * links stop working. Nothing happens for an address that is already verified.
 */
export async function requestEmailVerification({
  ctx,
  user,
}: {
  ctx: AccountsContext;
  user: SessionUser;
}): Promise<{ alreadyVerified: boolean; emailSent: boolean }> {
  if (user.emailVerified) return { alreadyVerified: true, emailSent: false };
  const token = newToken();
  const at = ctx.deps.now();
  await ctx.deps.db.transaction(async (tx) => {
    await tx
      .delete(accountTokens)
      .where(
        and(
          eq(accountTokens.userId, user.userId),
          eq(accountTokens.purpose, 'email_verification'),
          isNull(accountTokens.usedAt),
        ),
      );
    await tx.insert(accountTokens).values({
      tokenHash: token.hash,
      purpose: 'email_verification',
      userId: user.userId,
      email: user.email,
      expiresAt: new Date(at.getTime() + EMAIL_VERIFICATION_HOURS * 3_600_000),
    });
  });
  const emailSent = await sendQuietly(
    ctx,
    ctx.deps.mailer,
    {
      to: user.email,
      ...renderVerifyEmail({
        link: accountLink(ctx.deps.appUrl, 'verifyEmail', token.token),
        hours: EMAIL_VERIFICATION_HOURS,
      }),
    },
    'email_verification',
  );
  return { alreadyVerified: false, emailSent };
}
