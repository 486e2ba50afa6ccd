import type { AccountsContext } from '../deps.js';
import type { SessionUser } from '../sessions.js';
import { auditForUser, userActor } from '../store.js';

/** Ends every session of the signed-in user, on every device; audited in their tenants. */
export async function logoutEverywhere({
  ctx,
  user,
}: {
  ctx: AccountsContext;
  user: SessionUser;
}): Promise<{ setCookie: string }> {
  await ctx.deps.sessions.invalidateUser(user.userId);
  await ctx.deps.db.transaction((tx) =>
    auditForUser(tx, ctx, user.userId, {
      actor: userActor(user.userId),
      action: 'auth.logout_everywhere',
      target: { type: 'user', id: user.userId },
      after: { ip: ctx.ip },
    }),
  );
  return { setCookie: ctx.deps.sessions.blankCookie() };
}
