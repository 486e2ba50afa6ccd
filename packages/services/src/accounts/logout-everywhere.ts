import { userRepo } from '@anythingiot/db';
import { type UserCtx, userMeta } from './account-ctx.js';

/** Ends every session of the signed-in user, on every device; audited in their tenants. */
export async function logoutEverywhere({ ctx }: { ctx: UserCtx }): Promise<{ setCookie: string }> {
  await ctx.ports.sessions.invalidateUser(ctx.user.userId);
  await userRepo(ctx.db, ctx.user.userId).audit({
    ...userMeta(ctx),
    action: 'auth.logout_everywhere',
    target: { type: 'user', id: ctx.user.userId },
    after: { ip: ctx.ip },
  });
  return { setCookie: ctx.ports.sessions.blankCookie() };
}
