import {
  type Actor,
  assertMembershipChange,
  DomainError,
  isFacilityLimited,
  type Role,
} from '@anythingiot/core';
import { and, asc, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import {
  facilities,
  invitations,
  membershipFacilities,
  memberships,
  sessions,
  tenants,
  users,
} from '../schema/index.js';
import { appendAudit, type Executor } from './audit.js';

/** Who changes a membership, and when: the audit entry's actor, request and time. */
export type MemberChangeMeta = { actor: Actor; requestId: string | null; at: Date };

/** The member doing the change, as core's membership rules need them. */
export type ActingMember = { userId: string; role: Role };

/** An active member of a tenant, as the users page lists them. */
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

/** A pending invitation of a tenant (its token only ever stored hashed, never shown). */
export type PendingInvitationView = {
  invitationId: string;
  email: string;
  role: Role;
  facilityIds: string[];
  invitedBy: string | null;
  expiresAt: Date;
  createdAt: Date;
};

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

const memberNotFound = () =>
  new DomainError('NOT_FOUND', 'Member not found.', { reason: 'not_found' });

function audit(
  tx: Executor,
  tenantId: string,
  meta: MemberChangeMeta,
  entry: {
    action: string;
    target: { type: string; id: string };
    before?: unknown;
    after?: unknown;
    reason?: string | null;
  },
) {
  return appendAudit(
    tx,
    {
      actor: meta.actor,
      action: entry.action,
      target: entry.target,
      before: entry.before ?? null,
      after: entry.after ?? null,
      reason: entry.reason ?? null,
      requestId: meta.requestId,
      at: meta.at,
    },
    tenantId,
  );
}

/** The membership's facility ids, sorted. */
export async function membershipFacilityIds(
  exec: Executor,
  tenantId: string,
  membershipId: string,
): Promise<string[]> {
  const rows = await exec
    .select({ id: membershipFacilities.facilityId })
    .from(membershipFacilities)
    .where(
      and(
        eq(membershipFacilities.tenantId, tenantId),
        eq(membershipFacilities.membershipId, membershipId),
      ),
    )
    .orderBy(asc(membershipFacilities.facilityId));
  return rows.map((r) => r.id);
}

/**
 * Field errors for facility ids that are not (unarchived) facilities of this tenant. The
 * lookup is scoped by tenant in the WHERE, so another tenant's facility is simply unknown.
 */
export async function unknownFacilityErrors(
  exec: Executor,
  tenantId: string,
  facilityIds: readonly string[],
): Promise<{ path: string; message: string }[]> {
  if (facilityIds.length === 0) return [];
  const rows = await exec
    .select({ id: facilities.id })
    .from(facilities)
    .where(
      and(
        eq(facilities.tenantId, tenantId),
        inArray(facilities.id, [...facilityIds]),
        isNull(facilities.archivedAt),
      ),
    );
  const known = new Set(rows.map((r) => r.id));
  return facilityIds.flatMap((id, i) =>
    known.has(id) ? [] : [{ path: `facilityIds.${i}`, message: 'No such facility.' }],
  );
}

/** Replaces the membership's facility rows (composite keys keep them inside the tenant). */
export async function setMembershipFacilities(
  tx: Tx,
  tenantId: string,
  membershipId: string,
  role: Role,
  facilityIds: readonly string[],
): Promise<void> {
  await tx
    .delete(membershipFacilities)
    .where(
      and(
        eq(membershipFacilities.tenantId, tenantId),
        eq(membershipFacilities.membershipId, membershipId),
      ),
    );
  if (!isFacilityLimited(role) || facilityIds.length === 0) return;
  await tx
    .insert(membershipFacilities)
    .values(
      [...new Set(facilityIds)].map((facilityId) => ({ tenantId, membershipId, facilityId })),
    );
}

/**
 * Locks what a change to a membership depends on — the tenant's active owner rows (so two
 * owners demoting each other at once cannot both see "two owners" and leave none) and the
 * target membership itself — then applies core's membership rules. Answers the target row, or
 * NOT_FOUND for a membership that is not active in this tenant.
 */
async function lockMembershipChange(
  tx: Tx,
  tenantId: string,
  actor: ActingMember,
  membershipId: string,
  to: Role | null,
): Promise<typeof memberships.$inferSelect> {
  const owners = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(
      and(
        eq(memberships.tenantId, tenantId),
        eq(memberships.role, 'owner'),
        isNull(memberships.deactivatedAt),
      ),
    )
    .for('update');
  const [target] = await tx
    .select()
    .from(memberships)
    .where(
      and(
        eq(memberships.tenantId, tenantId),
        eq(memberships.id, membershipId),
        isNull(memberships.deactivatedAt),
      ),
    )
    .for('update');
  if (!target) throw memberNotFound();
  assertMembershipChange({
    actor: actor.role,
    self: target.userId === actor.userId,
    from: target.role,
    to,
    activeOwners: owners.length,
  });
  return target;
}

/**
 * A tenant's members and invitations; every statement carries the tenant in its WHERE, and
 * each change is one transaction with its audit entry (and, where the member's rights
 * change, their sessions in this tenant marked or ended in the same transaction).
 */
export function memberRepo(db: Database, tenantId: string) {
  return {
    /** Active members, by email, each with their facilities. */
    async list(): Promise<Member[]> {
      const rows = await db
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
        .where(and(eq(memberships.tenantId, tenantId), isNull(memberships.deactivatedAt)))
        .orderBy(asc(users.email));
      const out: Member[] = [];
      for (const { emailVerifiedAt, ...r } of rows) {
        out.push({
          ...r,
          emailVerified: emailVerifiedAt !== null,
          facilityIds: await membershipFacilityIds(db, tenantId, r.membershipId),
        });
      }
      return out;
    },

    /** Field errors for facility ids that are not this tenant's (unarchived) facilities. */
    unknownFacilityErrors: (facilityIds: readonly string[]) =>
      unknownFacilityErrors(db, tenantId, facilityIds),

    /** Whether the user (by address, any case) is an active member here. */
    async isActiveMember(email: string): Promise<boolean> {
      const [row] = await db
        .select({ id: memberships.id })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(
          and(
            eq(memberships.tenantId, tenantId),
            sql`lower(${users.email}) = ${email.trim().toLowerCase()}`,
            isNull(memberships.deactivatedAt),
          ),
        );
      return row !== undefined;
    },

    /** Pending (unaccepted, unrevoked, unexpired) invitations, newest first. */
    listInvitations(at: Date): Promise<PendingInvitationView[]> {
      return db
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
            eq(invitations.tenantId, tenantId),
            isNull(invitations.acceptedAt),
            isNull(invitations.revokedAt),
            gt(invitations.expiresAt, at),
          ),
        )
        .orderBy(desc(invitations.createdAt));
    },

    /**
     * Stores an invitation (only its token's hash), replacing a pending one to the same
     * address, audited. Answers the tenant's name for the email.
     */
    invite(
      invitation: {
        id: string;
        email: string;
        role: Role;
        facilityIds: string[];
        tokenHash: string;
        invitedBy: string;
        expiresAt: Date;
      },
      meta: MemberChangeMeta,
    ): Promise<{ tenantName: string }> {
      return db.transaction(async (tx) => {
        const replaced = await tx
          .update(invitations)
          .set({ revokedAt: meta.at, updatedAt: meta.at })
          .where(
            and(
              eq(invitations.tenantId, tenantId),
              sql`lower(${invitations.email}) = ${invitation.email}`,
              isNull(invitations.acceptedAt),
              isNull(invitations.revokedAt),
            ),
          )
          .returning({ id: invitations.id });
        await tx.insert(invitations).values({ ...invitation, tenantId });
        await audit(tx, tenantId, meta, {
          action: 'invitation.create',
          target: { type: 'invitation', id: invitation.id },
          after: {
            email: invitation.email,
            role: invitation.role,
            facilityIds: invitation.facilityIds,
            expiresAt: invitation.expiresAt,
            replaces: replaced.map((r) => r.id),
          },
        });
        const [tenant] = await tx
          .select({ name: tenants.name })
          .from(tenants)
          .where(eq(tenants.id, tenantId));
        return { tenantName: tenant?.name ?? '' };
      });
    },

    /**
     * Withdraws a pending invitation (only owners withdraw one to become owner), audited.
     * NOT_FOUND for an id that is not pending in this tenant.
     */
    revokeInvitation(actor: ActingMember, invitationId: string, meta: MemberChangeMeta) {
      return db.transaction(async (tx) => {
        const [inv] = await tx
          .select()
          .from(invitations)
          .where(
            and(
              eq(invitations.tenantId, tenantId),
              eq(invitations.id, invitationId),
              isNull(invitations.acceptedAt),
              isNull(invitations.revokedAt),
            ),
          )
          .for('update');
        if (!inv) {
          throw new DomainError('NOT_FOUND', 'Invitation not found.', { reason: 'not_found' });
        }
        // The same rule as inviting: only owners handle invitations to become owner.
        assertMembershipChange({
          actor: actor.role,
          self: false,
          from: null,
          to: inv.role,
          activeOwners: 0,
        });
        await tx
          .update(invitations)
          .set({ revokedAt: meta.at, updatedAt: meta.at })
          .where(and(eq(invitations.tenantId, tenantId), eq(invitations.id, inv.id)));
        await audit(tx, tenantId, meta, {
          action: 'invitation.revoke',
          target: { type: 'invitation', id: inv.id },
          before: { email: inv.email, role: inv.role },
          after: { revokedAt: meta.at },
        });
        return { revoked: true as const };
      });
    },

    /**
     * Sets a member's role and facilities under core's rules (owners only by owners, never
     * the last owner), audited with before and after; the member's sessions in this tenant
     * take a new id on their next request. `changed: false` (nothing written) for no change.
     */
    changeRole(
      actor: ActingMember,
      change: { membershipId: string; role: Role; facilityIds: string[]; reason: string | null },
      meta: MemberChangeMeta,
    ): Promise<{ changed: boolean }> {
      return db.transaction(async (tx) => {
        const target = await lockMembershipChange(
          tx,
          tenantId,
          actor,
          change.membershipId,
          change.role,
        );
        const before = {
          role: target.role,
          facilityIds: await membershipFacilityIds(tx, tenantId, target.id),
        };
        const after = { role: change.role, facilityIds: change.facilityIds };
        if (before.role === after.role && before.facilityIds.join() === after.facilityIds.join()) {
          return { changed: false };
        }
        await tx
          .update(memberships)
          .set({ role: change.role, updatedAt: meta.at })
          .where(and(eq(memberships.tenantId, tenantId), eq(memberships.id, target.id)));
        await setMembershipFacilities(tx, tenantId, target.id, change.role, change.facilityIds);
        await audit(tx, tenantId, meta, {
          action: 'membership.role_change',
          target: { type: 'membership', id: target.id },
          before,
          after,
          reason: change.reason,
        });
        await tx
          .update(sessions)
          .set({ mustRotate: true })
          .where(and(eq(sessions.userId, target.userId), eq(sessions.activeTenantId, tenantId)));
        return { changed: true };
      });
    },

    /**
     * Ends a membership under core's rules (the row stays for the audit trail), audited as a
     * leave when it is the actor's own; the member's sessions in this tenant end at once.
     */
    deactivate(
      actor: ActingMember,
      change: { membershipId: string; reason: string | null },
      meta: MemberChangeMeta,
    ): Promise<{ deactivated: true }> {
      return db.transaction(async (tx) => {
        const target = await lockMembershipChange(tx, tenantId, actor, change.membershipId, null);
        const self = target.userId === actor.userId;
        await tx
          .update(memberships)
          .set({ deactivatedAt: meta.at, updatedAt: meta.at })
          .where(and(eq(memberships.tenantId, tenantId), eq(memberships.id, target.id)));
        await audit(tx, tenantId, meta, {
          action: self ? 'membership.leave' : 'membership.deactivate',
          target: { type: 'membership', id: target.id },
          before: { role: target.role, deactivatedAt: null },
          after: { role: target.role, deactivatedAt: meta.at },
          reason: change.reason,
        });
        await tx
          .delete(sessions)
          .where(and(eq(sessions.userId, target.userId), eq(sessions.activeTenantId, tenantId)));
        return { deactivated: true as const };
      });
    },
  };
}
