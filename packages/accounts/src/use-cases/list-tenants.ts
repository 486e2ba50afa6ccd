import type { Role } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { AccountsContext } from '../deps.js';
import type { SessionUser } from '../sessions.js';

export type UserTenant = {
  tenantId: string;
  name: string;
  slug: string;
  role: Role;
  membershipId: string;
  active: boolean;
};

/** The companies the signed-in user is an active member of (the tenant switcher's list). */
export async function listTenants({
  ctx,
  user,
}: {
  ctx: AccountsContext;
  user: SessionUser;
}): Promise<UserTenant[]> {
  const { memberships, tenants } = schema;
  const rows = await ctx.deps.db
    .select({
      tenantId: tenants.id,
      name: tenants.name,
      slug: tenants.slug,
      role: memberships.role,
      membershipId: memberships.id,
    })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.userId, user.userId), isNull(memberships.deactivatedAt)))
    .orderBy(asc(tenants.name), asc(tenants.id));
  return rows.map((r) => ({ ...r, active: r.tenantId === user.activeTenantId }));
}
