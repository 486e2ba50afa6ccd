import { type Profile, userRepo } from '@anythingiot/db';
import type { PrincipalCtx } from './account-ctx.js';

/** The signed-in person's own settings, for their profile page (in their active company). */
export async function getProfile({ ctx }: { ctx: PrincipalCtx }): Promise<Profile> {
  const profile = await userRepo(ctx.db, ctx.user.userId).profile(ctx.user.tenantId);
  if (!profile) throw new Error(`user ${ctx.user.userId} or tenant ${ctx.user.tenantId} not found`);
  return profile;
}
