import { memberRepo, type PendingInvitationView } from '@anythingiot/db';
import type { MemberCtx } from './member-ctx.js';

/** Pending (unaccepted, unrevoked, unexpired) invitations of the caller's tenant. */
export function listInvitations({ ctx }: { ctx: MemberCtx }): Promise<PendingInvitationView[]> {
  return memberRepo(ctx.db, ctx.tenantId).listInvitations(new Date(ctx.ports.now()));
}
