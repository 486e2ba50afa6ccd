import { hashToken, invalidLink, isTokenShape } from '@anythingiot/accounts';
import { accountTokenRepo } from '@anythingiot/db';
import type { AccountCtx } from './account-ctx.js';

/**
 * Marks the address verified by the token mailed to it. The token works exactly once, even
 * under concurrency, and only while the account still has the address it was sent to.
 */
export async function verifyEmail({
  ctx,
  input,
}: {
  ctx: AccountCtx;
  input: { token: unknown };
}): Promise<{ userId: string; email: string }> {
  if (!isTokenShape(input.token)) throw invalidLink('verification');
  const verified = await accountTokenRepo(ctx.db).verifyEmail(hashToken(input.token), {
    requestId: ctx.requestId,
    at: ctx.ports.now(),
    ip: ctx.ip,
  });
  if (!verified) throw invalidLink('verification');
  return verified;
}
