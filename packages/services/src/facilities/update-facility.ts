import { isId, validateFacilityPatch } from '@anythingiot/core';
import { type Facility, facilityRepo } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { facilityNotFound } from './facility-errors.js';

/**
 * Renames, retypes, re-addresses or moves a facility to another time zone (validated as on
 * creation); audited with before and after. A facility the caller cannot see, or an archived
 * one, is NOT_FOUND.
 */
export async function updateFacility({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string; patch: unknown };
}): Promise<Facility> {
  const patch = validateFacilityPatch(input.patch);
  if (!isId('facility', input.id)) throw facilityNotFound(input.id);
  const facility = await facilityRepo(ctx.db, ctx.tenantId, ctx).update(
    input.id,
    patch,
    auditMeta(ctx),
  );
  if (!facility) throw facilityNotFound(input.id);
  return facility;
}
