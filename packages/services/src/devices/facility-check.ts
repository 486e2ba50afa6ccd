import { DomainError, isId } from '@anythingiot/core';
import { facilityRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { facilityNotFound, unknownFacility } from '../facilities/facility-errors.js';

/**
 * Refuses a facility the caller may not put things in. Unlimited callers get a field error for
 * a facility outside the tenant (the composite foreign key would refuse it too, but as a
 * 500-looking constraint violation). A caller limited to facilities gets NOT_FOUND for any
 * facility outside its list, exactly as for one that does not exist, and must name one of its
 * own: a device (or rule) in no facility would vanish from its own view.
 */
export async function assertFacilityInScope(
  ctx: TenantCtx,
  facilityId: string | null | undefined,
  path = 'facilityId',
) {
  if (facilityId === null || facilityId === undefined) {
    if (ctx.facilityIds === null) return;
    throw new DomainError('VALIDATION', 'Name one of your facilities.', {
      errors: [{ path, message: 'required: you only see the devices of your facilities' }],
    });
  }
  const known =
    isId('facility', facilityId) && (await facilityRepo(ctx.db, ctx.tenantId, ctx).get(facilityId));
  if (known) return;
  throw ctx.facilityIds === null ? unknownFacility(facilityId, path) : facilityNotFound(facilityId);
}
