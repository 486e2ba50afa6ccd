import { authorize, DomainError, RoleSchema } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AccountsContext } from '../deps.js';
import {
  audit,
  lockMembershipChange,
  membershipFacilityIds,
  setMembershipFacilities,
  unknownFacilityErrors,
  userActor,
} from '../store.js';
import { facilityScopeRule, parseInput } from '../validation.js';
import type { Principal } from './authenticate.js';

const { memberships } = schema;

export const ChangeRoleInputSchema = z.object({
  membershipId: z.string().max(64),
  role: z.enum(RoleSchema.options, {
    error: 'Choose owner, admin, manager, operator, auditor or vendor.',
  }),
  facilityIds: z.array(z.string().max(64)).max(500).default([]),
  reason: z.string().trim().max(500).nullish(),
});
export type ChangeRoleInput = z.input<typeof ChangeRoleInputSchema>;

/**
 * Changes a member's role and facilities in the principal's tenant. `user.manage` is needed;
 * only owners touch the owner role; the last owner cannot be demoted. Audited with before and
 * after; the member's sessions in this tenant take a new id on their next request.
 */
export async function changeRole({
  ctx,
  principal,
  input,
}: {
  ctx: AccountsContext;
  principal: Principal;
  input: ChangeRoleInput;
}): Promise<{ changed: boolean }> {
  authorize(principal, 'user.manage');
  const data = parseInput(ChangeRoleInputSchema, input, facilityScopeRule);
  const tenantId = principal.tenantId;
  const { db } = ctx.deps;
  const facilityErrors = await unknownFacilityErrors(db, tenantId, data.facilityIds);
  if (facilityErrors.length > 0) {
    throw new DomainError('VALIDATION', 'Some fields need attention.', { errors: facilityErrors });
  }
  const facilityIds = [...new Set(data.facilityIds)].sort();

  return db.transaction(async (tx) => {
    const target = await lockMembershipChange(tx, principal, data.membershipId, data.role);
    const before = {
      role: target.role,
      facilityIds: await membershipFacilityIds(tx, tenantId, target.id),
    };
    const after = { role: data.role, facilityIds };
    if (before.role === after.role && before.facilityIds.join() === after.facilityIds.join()) {
      return { changed: false };
    }
    const at = ctx.deps.now();
    await tx
      .update(memberships)
      .set({ role: data.role, updatedAt: at })
      .where(and(eq(memberships.tenantId, tenantId), eq(memberships.id, target.id)));
    await setMembershipFacilities(tx, tenantId, target.id, data.role, facilityIds);
    await audit(tx, ctx, tenantId, {
      actor: userActor(principal.userId),
      action: 'membership.role_change',
      target: { type: 'membership', id: target.id },
      before,
      after,
      reason: data.reason ?? null,
    });
    await ctx.deps.sessions.requireRotation(tx, target.userId, tenantId);
    return { changed: true };
  });
}
