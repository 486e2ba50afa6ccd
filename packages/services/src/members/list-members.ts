import { type Member, memberRepo } from '@anythingiot/db';
import type { MemberCtx } from './member-ctx.js';

/** The active members of the caller's tenant, for the users page. */
export function listMembers({ ctx }: { ctx: MemberCtx }): Promise<Member[]> {
  return memberRepo(ctx.db, ctx.tenantId).list();
}
