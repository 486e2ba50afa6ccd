import {
  assertMembershipChange,
  authorize,
  DomainError,
  newId,
  RoleSchema,
} from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AccountsContext } from '../deps.js';
import { INVITATION_DAYS } from '../invitations.js';
import { accountLink } from '../links.js';
import { renderInvitation } from '../mail/templates.js';
import { audit, findUserByEmail, sendQuietly, unknownFacilityErrors, userActor } from '../store.js';
import { newToken } from '../tokens.js';
import { EmailSchema, facilityScopeRule, parseInput } from '../validation.js';
import type { Principal } from './authenticate.js';

const { invitations, memberships, tenants } = schema;

export const InviteUserInputSchema = z.object({
  email: EmailSchema,
  role: z.enum(RoleSchema.options, {
    error: 'Choose owner, admin, manager, operator, auditor or vendor.',
  }),
  facilityIds: z.array(z.string().max(64)).max(500).default([]),
});
export type InviteUserInput = z.input<typeof InviteUserInputSchema>;

/**
 * Invites an address into the principal's tenant with a role (operators and vendors with
 * their facilities). Allowed by the matrix (`user.invite`; only owners invite owners). A new
 * invitation to the same address replaces a pending one. The token is mailed, only its hash
 * stored; it expires in 7 days.
 */
export async function inviteUser({
  ctx,
  principal,
  input,
}: {
  ctx: AccountsContext;
  principal: Principal;
  input: InviteUserInput;
}): Promise<{ invitationId: string; expiresAt: Date; emailSent: boolean }> {
  authorize(principal, 'user.invite');
  const { db } = ctx.deps;
  const tenantId = principal.tenantId;
  const data = parseInput(InviteUserInputSchema, input, facilityScopeRule);
  assertMembershipChange({
    actor: principal.role,
    self: false,
    from: null,
    to: data.role,
    activeOwners: 0,
  });
  const facilityErrors = await unknownFacilityErrors(db, tenantId, data.facilityIds);
  if (facilityErrors.length > 0) {
    throw new DomainError('VALIDATION', 'Some fields need attention.', { errors: facilityErrors });
  }
  const invitee = await findUserByEmail(db, data.email);
  if (invitee) {
    const [member] = await db
      .select({ id: memberships.id })
      .from(memberships)
      .where(
        and(
          eq(memberships.tenantId, tenantId),
          eq(memberships.userId, invitee.id),
          isNull(memberships.deactivatedAt),
        ),
      );
    if (member) {
      throw new DomainError('CONFLICT', 'This person is already a member.', {
        reason: 'already_member',
        errors: [{ path: 'email', message: 'This person is already a member of your company.' }],
      });
    }
  }

  const token = newToken();
  const at = ctx.deps.now();
  const expiresAt = new Date(at.getTime() + INVITATION_DAYS * 86_400_000);
  const invitationId = newId('invitation');
  const tenantName = await db.transaction(async (tx) => {
    const replaced = await tx
      .update(invitations)
      .set({ revokedAt: at, updatedAt: at })
      .where(
        and(
          eq(invitations.tenantId, tenantId),
          sql`lower(${invitations.email}) = ${data.email}`,
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
        ),
      )
      .returning({ id: invitations.id });
    await tx.insert(invitations).values({
      id: invitationId,
      tenantId,
      email: data.email,
      role: data.role,
      facilityIds: [...new Set(data.facilityIds)],
      tokenHash: token.hash,
      invitedBy: principal.userId,
      expiresAt,
    });
    await audit(tx, ctx, tenantId, {
      actor: userActor(principal.userId),
      action: 'invitation.create',
      target: { type: 'invitation', id: invitationId },
      after: {
        email: data.email,
        role: data.role,
        facilityIds: [...new Set(data.facilityIds)],
        expiresAt,
        replaces: replaced.map((r) => r.id),
      },
    });
    const [tenant] = await tx
      .select({ name: tenants.name })
      .from(tenants)
      .where(eq(tenants.id, tenantId));
    return tenant?.name ?? '';
  });

  const emailSent = await sendQuietly(
    ctx,
    ctx.deps.mailer,
    {
      to: data.email,
      ...renderInvitation({
        link: accountLink(ctx.deps.appUrl, 'acceptInvitation', token.token),
        tenantName,
        inviterName: principal.name || principal.email,
        role: data.role,
        days: INVITATION_DAYS,
      }),
    },
    'invitation',
  );
  return { invitationId, expiresAt, emailSent };
}
