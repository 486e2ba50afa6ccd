import { type UserTenant as StoredTenant, userRepo } from '@anythingiot/db';
import type { UserCtx } from './account-ctx.js';

/** A company of the user, and whether it is the session's active one. */
export type UserTenant = StoredTenant & { active: boolean };

/** The companies the signed-in user is an active member of (the tenant switcher's list). */
export async function listTenants({ ctx }: { ctx: UserCtx }): Promise<UserTenant[]> {
  const rows = await userRepo(ctx.db, ctx.user.userId).tenants();
  return rows.map((r) => ({ ...r, active: r.tenantId === ctx.user.activeTenantId }));
}
