import type { AccountsContext } from '../deps.js';
import { hashToken, isTokenShape } from '../tokens.js';

/** Ends this browser's session. Always succeeds; returns the cookie that clears it. */
export async function logout({
  ctx,
  input,
}: {
  ctx: AccountsContext;
  input: { token: string | null };
}): Promise<{ setCookie: string }> {
  if (isTokenShape(input.token)) await ctx.deps.sessions.invalidate(hashToken(input.token));
  return { setCookie: ctx.deps.sessions.blankCookie() };
}
