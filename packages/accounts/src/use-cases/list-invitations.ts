import { authorize, type Role } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { AccountsContext } from '../deps.js';
import type { Principal } from './authenticate.js';

export type PendingInvitationView = {
  invitationId: string;
  email: string;
  role: Role;
  facilityIds: string[];
  invitedBy: string | null;
  expiresAt: Date;
  createdAt: Date;
};

/** Pending (unaccepted, unrevoked, unexpired) invitations of the principal's tenant. */
export async function listInvitations({
  ctx,
  principal,
}: {
  ctx: AccountsContext;
  principal: Principal;
}): Promise<PendingInvitationView[]> {
  authorize(principal, 'user.invite');
  const { invitations } = schema;
  return ctx.deps.db
    .select({
      invitationId: invitations.id,
      email: invitations.email,
      role: invitations.role,
      facilityIds: invitations.facilityIds,
      invitedBy: invitations.invitedBy,
      expiresAt: invitations.expiresAt,
      createdAt: invitations.createdAt,
    })
    .from(invitations)
    .where(
      and(
        eq(invitations.tenantId, principal.tenantId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, ctx.deps.now()),
      ),
    )
    .orderBy(desc(invitations.createdAt));
}
