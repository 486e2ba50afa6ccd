import { tenantPreferences } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';

/** How the caller's tenant shows data: temperature unit (°C/°F) and time zone. */
export function getTenantPreferences({
  ctx,
}: {
  ctx: TenantCtx;
}): Promise<{ temperatureUnit: 'C' | 'F'; timeZone: string }> {
  return tenantPreferences(ctx.db, ctx.tenantId);
}
