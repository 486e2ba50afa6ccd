import { authorize } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AccountsContext } from '../deps.js';
import { audit, lockMembershipChange, userActor } from '../store.js';
import { parseInput } from '../validation.js';
import type { Principal } from './authenticate.js';

const { memberships } = schema;

export const DeactivateMembershipInputSchema = z.object({
  membershipId: z.string().max(64),
  reason: z.string().trim().max(500).nullish(),
});

/**
 * Ends a membership in the principal's tenant (the row stays, for the audit trail, and can be
 * reactivated by a new invitation). Deactivating someone else needs `user.manage`, and only
 * owners deactivate owners; anyone may deactivate their own membership (leave) — except the
 * last owner. The member's sessions in this tenant end at once.
 */
export async function deactivateMembership({
  ctx,
  principal,
  input,
}: {
  ctx: AccountsContext;
  principal: Principal;
  input: z.input<typeof DeactivateMembershipInputSchema>;
}): Promise<{ deactivated: true }> {
  const data = parseInput(DeactivateMembershipInputSchema, input);
  const self = data.membershipId === principal.membershipId;
  // Refuse before looking anything up, so membership ids cannot be probed without the right.
  if (!self) authorize(principal, 'user.manage');
  const tenantId = principal.tenantId;
  return ctx.deps.db.transaction(async (tx) => {
    const target = await lockMembershipChange(tx, principal, data.membershipId, null);
    const at = ctx.deps.now();
    await tx
      .update(memberships)
      .set({ deactivatedAt: at, updatedAt: at })
      .where(and(eq(memberships.tenantId, tenantId), eq(memberships.id, target.id)));
    await audit(tx, ctx, tenantId, {
      actor: userActor(principal.userId),
      action: self ? 'membership.leave' : 'membership.deactivate',
      target: { type: 'membership', id: target.id },
      before: { role: target.role, deactivatedAt: null },
      after: { role: target.role, deactivatedAt: at },
      reason: data.reason ?? null,
    });
    await ctx.deps.sessions.endTenantSessions(tx, target.userId, tenantId);
    return { deactivated: true as const };
  });
}
