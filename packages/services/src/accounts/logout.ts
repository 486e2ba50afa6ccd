import { hashToken, isTokenShape } from '@anythingiot/accounts';
import type { AccountCtx } from './account-ctx.js';

/** Ends this browser's session. Always succeeds; returns the cookie that clears it. */
export async function logout({
  ctx,
  input,
}: {
  ctx: AccountCtx;
  input: { token: string | null };
}): Promise<{ setCookie: string }> {
  if (isTokenShape(input.token)) await ctx.ports.sessions.invalidate(hashToken(input.token));
  return { setCookie: ctx.ports.sessions.blankCookie() };
}
