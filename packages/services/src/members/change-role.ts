import { facilityScopeRule, parseInput } from '@anythingiot/accounts';
import { DomainError, RoleSchema } from '@anythingiot/core';
import { memberRepo } from '@anythingiot/db';
import { z } from 'zod';
import { type MemberCtx, memberMeta } from './member-ctx.js';

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
 * Changes a member's role and facilities in the caller's tenant. Only owners touch the owner
 * role; the last owner cannot be demoted. Audited with before and after; the member's
 * sessions in this tenant take a new id on their next request.
 */
export async function changeRole({
  ctx,
  input,
}: {
  ctx: MemberCtx;
  input: ChangeRoleInput;
}): Promise<{ changed: boolean }> {
  const data = parseInput(ChangeRoleInputSchema, input, facilityScopeRule);
  const repo = memberRepo(ctx.db, ctx.tenantId);
  const facilityErrors = await repo.unknownFacilityErrors(data.facilityIds);
  if (facilityErrors.length > 0) {
    throw new DomainError('VALIDATION', 'Some fields need attention.', { errors: facilityErrors });
  }
  return repo.changeRole(
    ctx.member,
    {
      membershipId: data.membershipId,
      role: data.role,
      facilityIds: [...new Set(data.facilityIds)].sort(),
      reason: data.reason ?? null,
    },
    memberMeta(ctx),
  );
}
