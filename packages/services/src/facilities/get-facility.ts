import { isId } from '@anythingiot/core';
import { type Facility, facilityRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { facilityNotFound } from './facility-errors.js';

/** One facility the caller may see; any other id answers NOT_FOUND. */
export async function getFacility({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string };
}): Promise<Facility> {
  const facility = isId('facility', input.id)
    ? await facilityRepo(ctx.db, ctx.tenantId, ctx).get(input.id)
    : undefined;
  if (!facility) throw facilityNotFound(input.id);
  return facility;
}
