import { tenantPreferences } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';

/**
 * How the caller sees data: the tenant's time zone, and °C/°F as the member chose on their
 * profile or else as the tenant does (API keys and jobs get the tenant's).
 */
export function getTenantPreferences({
  ctx,
}: {
  ctx: TenantCtx;
}): Promise<{ temperatureUnit: 'C' | 'F'; timeZone: string }> {
  const viewer = ctx.actor.type === 'user' ? ctx.actor.id : undefined;
  return tenantPreferences(ctx.db, ctx.tenantId, viewer);
}
