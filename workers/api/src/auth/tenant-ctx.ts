import type { Actor, ApiKeyScope } from '@anythingiot/core';
import type { Database } from '@anythingiot/db';
import type { AppDeps } from '../deps.js';

/**
 * Everything a tenant use case may rely on. `tenantId` and `actor` come from the verified
 * credential, never from the request, so no input can move work into another tenant.
 */
export type TenantCtx = {
  tenantId: string;
  actor: Actor;
  scopes: readonly ApiKeyScope[];
  requestId: string;
  db: Database;
  deps: AppDeps;
};

/** The audit metadata every change carries. */
export const auditMeta = (ctx: TenantCtx) => ({ actor: ctx.actor, requestId: ctx.requestId });
