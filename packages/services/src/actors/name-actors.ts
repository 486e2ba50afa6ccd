import type { Actor } from '@anythingiot/core';
import { actorNames } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';

/**
 * Names for the actors a page shows ("Jane Doe", "CI export key"), keyed `type:id`. Actors
 * outside the caller's tenant (or facility scope, for devices) get none.
 */
export function nameActors({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { actors: readonly Actor[] };
}): Promise<Map<string, string>> {
  return actorNames(ctx.db, ctx.tenantId, input.actors, ctx);
}
