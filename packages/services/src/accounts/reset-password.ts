import {
  hashToken,
  invalidLink,
  isTokenShape,
  loginThrottle,
  parseInput,
  passwordRule,
} from '@anythingiot/accounts';
import { accountTokenRepo } from '@anythingiot/db';
import { z } from 'zod';
import type { AccountCtx } from './account-ctx.js';

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
  ctx: AccountCtx;
  input: { token: unknown; password: unknown };
}): Promise<{ userId: string }> {
  if (!isTokenShape(input.token)) throw invalidLink('password reset');
  const hash = hashToken(input.token);
  const tokens = accountTokenRepo(ctx.db);
  const at = ctx.ports.now();
  const email = await tokens.resetAddress(hash, at);
  if (email === undefined) throw invalidLink('password reset');
  const { password } = parseInput(
    z.object({ password: z.string({ error: 'Choose a password.' }) }),
    input,
    passwordRule(email),
  );
  const passwordHash = await ctx.ports.passwords.hash(password);
  const user = await tokens.resetPassword(hash, passwordHash, {
    requestId: ctx.requestId,
    at,
    ip: ctx.ip,
  });
  if (!user) throw invalidLink('password reset');
  await loginThrottle(ctx.ports.redis, ctx.ports.throttle).clear(user.email);
  return { userId: user.id };
}
