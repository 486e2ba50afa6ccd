import { isId, MAX_BULK_COMMAND_DEVICES } from '@anythingiot/core';
import { commandRepo, facilityRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { facilityNotFound } from '../facilities/facility-errors.js';

/**
 * How many devices a facility command would reach now (its active devices the caller can see),
 * so a person confirms the number before sending; `tooMany` when it is over the bulk limit.
 */
export async function countFacilityCommandTargets({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { facilityId: string };
}): Promise<{ facilityId: string; devices: number; tooMany: boolean }> {
  const { facilityId } = input;
  if (!isId('facility', facilityId)) throw facilityNotFound(facilityId);
  if (!(await facilityRepo(ctx.db, ctx.tenantId, ctx).get(facilityId))) {
    throw facilityNotFound(facilityId);
  }
  const ids = await commandRepo(ctx.db, ctx.tenantId, ctx).activeDeviceIdsIn(
    facilityId,
    MAX_BULK_COMMAND_DEVICES + 1,
  );
  return {
    facilityId,
    devices: Math.min(ids.length, MAX_BULK_COMMAND_DEVICES),
    tooMany: ids.length > MAX_BULK_COMMAND_DEVICES,
  };
}
