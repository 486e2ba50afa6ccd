import { isId } from '@anythingiot/core';
import { type Device, deviceRepo } from '@anythingiot/db';
import type { TenantCtx } from '../auth/tenant-ctx.js';
import { deviceNotFound } from './device-errors.js';

export type DeviceDetail = {
  device: Device;
  latest: Awaited<ReturnType<ReturnType<typeof deviceRepo>['latest']>>;
  credentials: Awaited<ReturnType<ReturnType<typeof deviceRepo>['credentials']>>;
};

/** A device with its latest values and its credentials' metadata (never a secret). */
export async function getDevice({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string };
}): Promise<DeviceDetail> {
  if (!isId('device', input.id)) throw deviceNotFound(input.id);
  const repo = deviceRepo(ctx.db, ctx.tenantId);
  const device = await repo.get(input.id);
  if (!device) throw deviceNotFound(input.id);
  const [latest, credentials] = await Promise.all([
    repo.latest(input.id),
    repo.credentials(input.id),
  ]);
  return { device, latest, credentials };
}
