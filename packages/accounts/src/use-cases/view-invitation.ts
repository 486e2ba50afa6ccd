import type { Role } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import type { AccountsContext } from '../deps.js';
import { pendingInvitation } from '../invitations.js';
import { findUserByEmail } from '../store.js';

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
  ctx: AccountsContext;
  input: { token: unknown };
}): Promise<InvitationView> {
  const { db, now } = ctx.deps;
  const inv = await pendingInvitation(db, input.token, now());
  const [tenant] = await db
    .select({ name: schema.tenants.name })
    .from(schema.tenants)
    .where(eq(schema.tenants.id, inv.tenantId));
  return {
    email: inv.email,
    tenantName: tenant?.name ?? '',
    role: inv.role,
    expiresAt: inv.expiresAt,
    accountExists: (await findUserByEmail(db, inv.email)) !== null,
  };
}
