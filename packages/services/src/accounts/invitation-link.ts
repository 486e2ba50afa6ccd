import { hashToken, invalidLink, isTokenShape } from '@anythingiot/accounts';
import { invitationAcceptanceRepo } from '@anythingiot/db';
import type { AccountCtx } from './account-ctx.js';

/** The pending invitation behind a mailed token, or the one invalid-link answer. */
export async function pendingInvitation(ctx: AccountCtx, token: unknown) {
  if (!isTokenShape(token)) throw invalidLink('invitation');
  const inv = await invitationAcceptanceRepo(ctx.db).pending(hashToken(token), ctx.ports.now());
  if (!inv) throw invalidLink('invitation');
  return inv;
}
