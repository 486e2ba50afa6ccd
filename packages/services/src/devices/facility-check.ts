import { isId } from '@anythingiot/core';
import { facilityRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { unknownFacility } from './device-errors.js';

/**
 * Refuses a facility outside the caller's tenant with a field error. The composite foreign key
 * would refuse it too, but as a 500-looking constraint violation instead of an answer.
 */
export async function assertFacilityInTenant(
  ctx: TenantCtx,
  facilityId: string | null | undefined,
) {
  if (facilityId === null || facilityId === undefined) return;
  if (
    !isId('facility', facilityId) ||
    !(await facilityRepo(ctx.db, ctx.tenantId).get(facilityId))
  ) {
    throw unknownFacility(facilityId);
  }
}
