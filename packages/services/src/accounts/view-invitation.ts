import type { Role } from '@anythingiot/core';
import { findUserByEmail } from '@anythingiot/db';
import type { AccountCtx } from './account-ctx.js';
import { pendingInvitation } from './invitation-link.js';

export type InvitationView = {
  email: string;
  tenantName: string;
  role: Role;
  expiresAt: Date;
  /** Whether the invited address already has an account (log in to accept, or create one). */
  accountExists: boolean;
};

/**
 * What the holder of an invitation link is invited to, without consuming it: the accept page
 * shows it and offers the right form. Unknown, used, revoked and expired links all answer the
 * same invalid-link error. Whether the address has an account is only told to the link holder,
 * who would learn it from `acceptInvitationNewAccount` anyway.
 */
export async function viewInvitation({
  ctx,
  input,
}: {
  ctx: AccountCtx;
  input: { token: unknown };
}): Promise<InvitationView> {
  const inv = await pendingInvitation(ctx, input.token);
  return {
    email: inv.email,
    tenantName: inv.tenantName,
    role: inv.role,
    expiresAt: inv.expiresAt,
    accountExists: (await findUserByEmail(ctx.db, inv.email)) !== null,
  };
}
