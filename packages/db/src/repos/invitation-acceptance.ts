import { type Actor, DomainError, isFacilityLimited, newId } from '@anythingiot/core';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../client.js';
import { invitations, memberships, tenants, users } from '../schema/index.js';
import { appendAudit, type Executor } from './audit.js';
import { setMembershipFacilities, unknownFacilityErrors } from './members.js';

export type PendingInvitation = typeof invitations.$inferSelect;

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
type Meta = { requestId: string | null; at: Date };

/** Thrown inside a transaction to roll it back and answer "this link no longer works". */
class LinkGone extends Error {}

const userActor = (id: string): Actor => ({ type: 'user', id });

function audit(
  tx: Executor,
  tenantId: string,
  meta: Meta,
  entry: {
    actor: Actor;
    action: string;
    target: { type: string; id: string };
    before?: unknown;
    after?: unknown;
  },
) {
  return appendAudit(
    tx,
    {
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      before: entry.before ?? null,
      after: entry.after ?? null,
      reason: null,
      requestId: meta.requestId,
      at: meta.at,
    },
    tenantId,
  );
}

/**
 * Makes the user a member as the invitation says and marks it accepted, inside `tx`. A
 * deactivated membership is reactivated with the invited role; an active one is a conflict.
 * Facilities deleted since the invitation are dropped; a limited role left with none is a
 * conflict (the inviter must send a new invitation). A claim that lost a race throws LinkGone.
 */
async function joinTenant(
  tx: Tx,
  inv: PendingInvitation,
  userId: string,
  meta: Meta,
): Promise<{ membershipId: string }> {
  const { at } = meta;
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
  if (!claimed) throw new LinkGone();

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
    membershipId = newId('membership');
    await tx
      .insert(memberships)
      .values({ id: membershipId, tenantId: inv.tenantId, userId, role: inv.role });
  }
  await setMembershipFacilities(tx, inv.tenantId, membershipId, inv.role, facilityIds);

  const actor = userActor(userId);
  await audit(tx, inv.tenantId, meta, {
    actor,
    action: 'invitation.accept',
    target: { type: 'invitation', id: inv.id },
    after: { userId },
  });
  await audit(tx, inv.tenantId, meta, {
    actor,
    action: existing ? 'membership.reactivate' : 'membership.create',
    target: { type: 'membership', id: membershipId },
    before: existing ? { role: existing.role, deactivatedAt: existing.deactivatedAt } : null,
    after: { userId, role: inv.role, facilityIds, invitationId: inv.id },
  });
  return { membershipId };
}

async function unlessGone<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof LinkGone) return undefined;
    throw err;
  }
}

/**
 * Invitations as their link holder reaches them: by the token's hash, which is the
 * credential (so not tenant-scoped on purpose — the tenant comes from the invitation's row).
 * `undefined` answers mean the link is unknown, used, revoked or expired, all alike.
 */
export const invitationAcceptanceRepo = (db: Database) => ({
  /** The invitation behind a token hash if it is still pending, with its company's name. */
  async pending(
    tokenHash: string,
    at: Date,
  ): Promise<(PendingInvitation & { tenantName: string }) | undefined> {
    const [row] = await db
      .select({ inv: invitations, tenantName: tenants.name })
      .from(invitations)
      .innerJoin(tenants, eq(tenants.id, invitations.tenantId))
      .where(
        and(
          eq(invitations.tokenHash, tokenHash),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          gt(invitations.expiresAt, at),
        ),
      );
    return row ? { ...row.inv, tenantName: row.tenantName } : undefined;
  },

  /** An existing user joins (or rejoins) the invitation's tenant. */
  join(inv: PendingInvitation, userId: string, meta: Meta) {
    return unlessGone(db.transaction((tx) => joinTenant(tx, inv, userId, meta)));
  },

  /**
   * Creates the invited address's account (verified: the mailed link proved it), audited in
   * the inviting tenant, and joins it, in one transaction. A taken address is the unique
   * index's `users_email_idx` violation, for the caller to answer.
   */
  createAndJoin(
    inv: PendingInvitation,
    user: { id: string; name: string; passwordHash: string },
    meta: Meta,
  ) {
    const email = inv.email.toLowerCase();
    return unlessGone(
      db.transaction(async (tx) => {
        await tx.insert(users).values({
          id: user.id,
          email,
          name: user.name,
          passwordHash: user.passwordHash,
          emailVerifiedAt: meta.at,
        });
        await audit(tx, inv.tenantId, meta, {
          actor: userActor(user.id),
          action: 'user.create',
          target: { type: 'user', id: user.id },
          after: { email, name: user.name, invitationId: inv.id },
        });
        return joinTenant(tx, inv, user.id, meta);
      }),
    );
  },
});
