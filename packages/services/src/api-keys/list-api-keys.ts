import { type ApiKeyInfo, apiKeyRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';

/** The tenant's keys, revoked ones included (with when), so people can see what existed. */
export function listApiKeys({ ctx }: { ctx: TenantCtx }): Promise<ApiKeyInfo[]> {
  return apiKeyRepo(ctx.db, ctx.tenantId).list();
}
