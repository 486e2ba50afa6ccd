import { type Facility, facilityRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';

/** The facilities the caller may see (a limited member: its own), by name; archived ones left out. */
export function listFacilities({ ctx }: { ctx: TenantCtx }): Promise<Facility[]> {
  return facilityRepo(ctx.db, ctx.tenantId, ctx).list();
}
