import { authorize, type Role } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { AccountsContext } from '../deps.js';
import { membershipFacilityIds } from '../store.js';
import type { Principal } from './authenticate.js';

export type Member = {
  membershipId: string;
  userId: string;
  email: string;
  name: string;
  role: Role;
  facilityIds: string[];
  emailVerified: boolean;
  joinedAt: Date;
};

/** The active members of the principal's tenant (`user.read`), for the users page. */
export async function listMembers({
  ctx,
  principal,
}: {
  ctx: AccountsContext;
  principal: Principal;
}): Promise<Member[]> {
  authorize(principal, 'user.read');
  const { memberships, users } = schema;
  const rows = await ctx.deps.db
    .select({
      membershipId: memberships.id,
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      emailVerifiedAt: users.emailVerifiedAt,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, principal.tenantId), isNull(memberships.deactivatedAt)))
    .orderBy(asc(users.email));
  const out: Member[] = [];
  for (const { emailVerifiedAt, ...r } of rows) {
    out.push({
      ...r,
      emailVerified: emailVerifiedAt !== null,
      facilityIds: await membershipFacilityIds(ctx.deps.db, principal.tenantId, r.membershipId),
    });
  }
  return out;
}
