import {
  accountLink,
  EmailSchema,
  facilityScopeRule,
  INVITATION_DAYS,
  newToken,
  parseInput,
  renderInvitation,
} from '@anythingiot/accounts';
import { assertMembershipChange, DomainError, newId, RoleSchema } from '@anythingiot/core';
import { memberRepo } from '@anythingiot/db';
import { z } from 'zod';
import { type MemberCtx, memberMeta, sendQuietly } from './member-ctx.js';

export const InviteUserInputSchema = z.object({
  email: EmailSchema,
  role: z.enum(RoleSchema.options, {
    error: 'Choose owner, admin, manager, operator, auditor or vendor.',
  }),
  facilityIds: z.array(z.string().max(64)).max(500).default([]),
});
export type InviteUserInput = z.input<typeof InviteUserInputSchema>;

/**
 * Invites an address into the caller's tenant with a role (operators and vendors with their
 * facilities); only owners invite owners. A new invitation to the same address replaces a
 * pending one. The token is mailed, only its hash stored; it expires in 7 days.
 */
export async function inviteUser({
  ctx,
  input,
}: {
  ctx: MemberCtx;
  input: InviteUserInput;
}): Promise<{ invitationId: string; expiresAt: Date; emailSent: boolean }> {
  const data = parseInput(InviteUserInputSchema, input, facilityScopeRule);
  assertMembershipChange({
    actor: ctx.member.role,
    self: false,
    from: null,
    to: data.role,
    activeOwners: 0,
  });
  const repo = memberRepo(ctx.db, ctx.tenantId);
  const facilityErrors = await repo.unknownFacilityErrors(data.facilityIds);
  if (facilityErrors.length > 0) {
    throw new DomainError('VALIDATION', 'Some fields need attention.', { errors: facilityErrors });
  }
  if (await repo.isActiveMember(data.email)) {
    throw new DomainError('CONFLICT', 'This person is already a member.', {
      reason: 'already_member',
      errors: [{ path: 'email', message: 'This person is already a member of your company.' }],
    });
  }

  const token = newToken();
  const meta = memberMeta(ctx);
  const expiresAt = new Date(meta.at.getTime() + INVITATION_DAYS * 86_400_000);
  const invitationId = newId('invitation');
  const { tenantName } = await repo.invite(
    {
      id: invitationId,
      email: data.email,
      role: data.role,
      facilityIds: [...new Set(data.facilityIds)],
      tokenHash: token.hash,
      invitedBy: ctx.member.userId,
      expiresAt,
    },
    meta,
  );
  const emailSent = await sendQuietly(
    ctx,
    {
      to: data.email,
      ...renderInvitation({
        link: accountLink(ctx.ports.appUrl, 'acceptInvitation', token.token),
        tenantName,
        inviterName: ctx.member.name || ctx.member.email,
        role: data.role,
        days: INVITATION_DAYS,
      }),
    },
    'invitation',
  );
  return { invitationId, expiresAt, emailSent };
}
