import { DomainError } from '@anythingiot/core';
import { memberRepo } from '@anythingiot/db';
import { type MemberCtx, memberMeta } from './member-ctx.js';

/**
 * Withdraws a pending invitation of the caller's tenant (only owners withdraw an invitation
 * to become owner). Its link stops working at once.
 */
export async function revokeInvitation({
  ctx,
  input,
}: {
  ctx: MemberCtx;
  input: { invitationId: unknown };
}): Promise<{ revoked: true }> {
  const { invitationId } = input;
  if (typeof invitationId !== 'string') {
    throw new DomainError('NOT_FOUND', 'Invitation not found.', { reason: 'not_found' });
  }
  return memberRepo(ctx.db, ctx.tenantId).revokeInvitation(
    ctx.member,
    invitationId,
    memberMeta(ctx),
  );
}
