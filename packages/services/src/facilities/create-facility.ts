import { validateFacility } from '@anythingiot/core';
import { type Facility, facilityRepo } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { facilityLimited } from './facility-errors.js';

/**
 * Creates a facility: name (unique in the tenant, else CONFLICT on `name`), type, address and
 * an IANA time zone, validated here whoever calls (VALIDATION with every field error). Audited.
 * A caller limited to facilities cannot: the new one would not be among its own.
 */
export async function createFacility({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: unknown;
}): Promise<Facility> {
  if (ctx.facilityIds !== null) throw facilityLimited('Creating a facility');
  return facilityRepo(ctx.db, ctx.tenantId).create(validateFacility(input), auditMeta(ctx));
}
