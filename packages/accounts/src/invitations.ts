import { DomainError, isFacilityLimited } from '@anythingiot/core';
import {
  type Executor,
  schema,
  setMembershipFacilities,
  unknownFacilityErrors,
} from '@anythingiot/db';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { AccountsContext } from './deps.js';
import { audit, insertMembership, type Tx, userActor } from './store.js';
import { hashToken, isTokenShape } from './tokens.js';
import { invalidLink } from './validation.js';

const { invitations, memberships } = schema;

export const INVITATION_DAYS = 7;

export type PendingInvitation = typeof invitations.$inferSelect;

/** The invitation behind a token if it is still pending (not accepted, revoked or expired). */
export async function pendingInvitation(
  exec: Executor,
  token: unknown,
  at: Date,
): Promise<PendingInvitation> {
  if (!isTokenShape(token)) throw invalidLink('invitation');
  const [row] = await exec
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.tokenHash, hashToken(token)),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, at),
      ),
    );
  if (!row) throw invalidLink('invitation');
  return row;
}

/**
 * Makes the user a member as the invitation says and marks it accepted, inside `tx`. A
 * deactivated membership is reactivated with the invited role; an active one is a conflict.
 * Facilities deleted since the invitation are dropped; a limited role left with none is a
 * conflict (the inviter must send a new invitation).
 */
export async function joinTenant(
  tx: Tx,
  ctx: AccountsContext,
  inv: PendingInvitation,
  userId: string,
): Promise<{ membershipId: string }> {
  const at = ctx.deps.now();
  const [claimed] = await tx
    .update(invitations)
    .set({ acceptedAt: at, acceptedBy: userId, updatedAt: at })
    .where(
      and(
        eq(invitations.id, inv.id),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, at),
      ),
    )
    .returning({ id: invitations.id });
  if (!claimed) throw invalidLink('invitation');

  const gone = new Set(
    (await unknownFacilityErrors(tx, inv.tenantId, inv.facilityIds)).map(
      (e) => inv.facilityIds[Number(e.path.split('.')[1])],
    ),
  );
  const facilityIds = inv.facilityIds.filter((id) => !gone.has(id));
  if (isFacilityLimited(inv.role) && facilityIds.length === 0) {
    throw new DomainError(
      'CONFLICT',
      'The facilities of this invitation no longer exist. Ask for a new invitation.',
      { reason: 'facilities_gone' },
    );
  }

  const [existing] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.tenantId, inv.tenantId), eq(memberships.userId, userId)))
    .for('update');
  if (existing && existing.deactivatedAt === null) {
    throw new DomainError('CONFLICT', 'You are already a member of this company.', {
      reason: 'already_member',
    });
  }
  let membershipId: string;
  if (existing) {
    membershipId = existing.id;
    await tx
      .update(memberships)
      .set({ role: inv.role, deactivatedAt: null, updatedAt: at })
      .where(and(eq(memberships.tenantId, inv.tenantId), eq(memberships.id, existing.id)));
  } else {
    membershipId = await insertMembership(tx, inv.tenantId, userId, inv.role);
  }
  await setMembershipFacilities(tx, inv.tenantId, membershipId, inv.role, facilityIds);

  const actor = userActor(userId);
  await audit(tx, ctx, inv.tenantId, {
    actor,
    action: 'invitation.accept',
    target: { type: 'invitation', id: inv.id },
    after: { userId },
  });
  await audit(tx, ctx, inv.tenantId, {
    actor,
    action: existing ? 'membership.reactivate' : 'membership.create',
    target: { type: 'membership', id: membershipId },
    before: existing ? { role: existing.role, deactivatedAt: existing.deactivatedAt } : null,
    after: { userId, role: inv.role, facilityIds, invitationId: inv.id },
  });
  return { membershipId };
}
