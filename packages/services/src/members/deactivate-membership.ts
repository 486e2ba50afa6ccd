import { parseInput } from '@anythingiot/accounts';
import { memberRepo } from '@anythingiot/db';
import { z } from 'zod';
import { type MemberCtx, memberMeta } from './member-ctx.js';

export const DeactivateMembershipInputSchema = z.object({
  membershipId: z.string().max(64),
  reason: z.string().trim().max(500).nullish(),
});

/**
 * Ends a membership in the caller's tenant (the row stays, for the audit trail, and can be
 * reactivated by a new invitation). Only owners deactivate owners; one's own membership is a
 * leave — except for the last owner. The member's sessions in this tenant end at once.
 * Deactivating someone else needs `user.manage`: the adapter checks it before calling, so
 * membership ids cannot be probed without the right.
 */
export async function deactivateMembership({
  ctx,
  input,
}: {
  ctx: MemberCtx;
  input: z.input<typeof DeactivateMembershipInputSchema>;
}): Promise<{ deactivated: true }> {
  const data = parseInput(DeactivateMembershipInputSchema, input);
  return memberRepo(ctx.db, ctx.tenantId).deactivate(
    ctx.member,
    { membershipId: data.membershipId, reason: data.reason ?? null },
    memberMeta(ctx),
  );
}
