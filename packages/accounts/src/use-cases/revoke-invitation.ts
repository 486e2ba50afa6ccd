import { assertMembershipChange, authorize } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { and, eq, isNull } from 'drizzle-orm';
import type { AccountsContext } from '../deps.js';
import { audit, notFound, userActor } from '../store.js';
import type { Principal } from './authenticate.js';

/**
 * Withdraws a pending invitation of the principal's tenant (`user.invite`; only owners
 * withdraw an invitation to become owner). Its link stops working at once.
 */
export async function revokeInvitation({
  ctx,
  principal,
  input,
}: {
  ctx: AccountsContext;
  principal: Principal;
  input: { invitationId: unknown };
}): Promise<{ revoked: true }> {
  authorize(principal, 'user.invite');
  const { invitations } = schema;
  const { invitationId } = input;
  if (typeof invitationId !== 'string') throw notFound('Invitation');
  const at = ctx.deps.now();
  return ctx.deps.db.transaction(async (tx) => {
    const [inv] = await tx
      .select()
      .from(invitations)
      .where(
        and(
          eq(invitations.tenantId, principal.tenantId),
          eq(invitations.id, invitationId),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      )
      .for('update');
    if (!inv) throw notFound('Invitation');
    // The same rule as inviting: only owners handle invitations to become owner.
    assertMembershipChange({
      actor: principal.role,
      self: false,
      from: null,
      to: inv.role,
      activeOwners: 0,
    });
    await tx
      .update(invitations)
      .set({ revokedAt: at, updatedAt: at })
      .where(and(eq(invitations.tenantId, principal.tenantId), eq(invitations.id, inv.id)));
    await audit(tx, ctx, principal.tenantId, {
      actor: userActor(principal.userId),
      action: 'invitation.revoke',
      target: { type: 'invitation', id: inv.id },
      before: { email: inv.email, role: inv.role },
      after: { revokedAt: at },
    });
    return { revoked: true as const };
  });
}
