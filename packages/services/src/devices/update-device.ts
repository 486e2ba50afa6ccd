import { isId } from '@anythingiot/core';
import { type Device, type DevicePatch, deviceRepo } from '@anythingiot/db';
import { auditMeta, type TenantCtx } from '../context.js';
import { deviceNotFound } from './device-errors.js';
import { assertFacilityInScope } from './facility-check.js';

/** Renames, moves (facility), retags or re-paces a device; audited with before and after. */
export async function updateDevice({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string; patch: DevicePatch };
}): Promise<Device> {
  if (!isId('device', input.id)) throw deviceNotFound(input.id);
  if (input.patch.facilityId !== undefined)
    await assertFacilityInScope(ctx, input.patch.facilityId);
  // The caller's facility scope is in the WHERE: a device outside it is not found.
  const device = await deviceRepo(ctx.db, ctx.tenantId, ctx).update(
    input.id,
    input.patch,
    auditMeta(ctx),
  );
  if (!device) throw deviceNotFound(input.id);
  return device;
}
