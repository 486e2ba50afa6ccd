import {
  accountLink,
  EMAIL_VERIFICATION_HOURS,
  newToken,
  renderVerifyEmail,
} from '@anythingiot/accounts';
import { accountTokenRepo } from '@anythingiot/db';
import { sendQuietly, type UserCtx } from './account-ctx.js';

/**
 * Mails the signed-in user a fresh verification link ("resend the email"); earlier unused
 * links stop working. Nothing happens for an address that is already verified.
 */
export async function requestEmailVerification({
  ctx,
}: {
  ctx: UserCtx;
}): Promise<{ alreadyVerified: boolean; emailSent: boolean }> {
  const { user } = ctx;
  if (user.emailVerified) return { alreadyVerified: true, emailSent: false };
  const token = newToken();
  await accountTokenRepo(ctx.db).issue({
    userId: user.userId,
    email: user.email,
    purpose: 'email_verification',
    tokenHash: token.hash,
    expiresAt: new Date(ctx.ports.now().getTime() + EMAIL_VERIFICATION_HOURS * 3_600_000),
  });
  const emailSent = await sendQuietly(
    ctx,
    {
      to: user.email,
      ...renderVerifyEmail({
        link: accountLink(ctx.ports.appUrl, 'verifyEmail', token.token),
        hours: EMAIL_VERIFICATION_HOURS,
      }),
    },
    'email_verification',
  );
  return { alreadyVerified: false, emailSent };
}
