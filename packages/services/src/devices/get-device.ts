import { type Connectivity, isId } from '@anythingiot/core';
import { type Device, deviceRepo, listSeqGaps, type SeqGap } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { deviceNotFound } from './device-errors.js';
import { connectivityOf } from './list-device-states.js';

export type DeviceDetail = {
  device: Device;
  latest: Awaited<ReturnType<ReturnType<typeof deviceRepo>['latest']>>;
  credentials: Awaited<ReturnType<ReturnType<typeof deviceRepo>['credentials']>>;
  /** Sequence ranges the device numbered but never delivered (yet); backfill closes them. */
  openSeqGaps: SeqGap[];
  /** How it is doing now: core's `deviceConnectivity`, as the lists and the overview say. */
  connectivity: Connectivity;
};

/**
 * A device with its latest values, open sequence gaps, credential metadata (no secret) and
 * connectivity.
 */
export async function getDevice({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: { id: string };
}): Promise<DeviceDetail> {
  if (!isId('device', input.id)) throw deviceNotFound(input.id);
  const repo = deviceRepo(ctx.db, ctx.tenantId, ctx);
  const device = await repo.get(input.id);
  if (!device) throw deviceNotFound(input.id);
  const [latest, credentials, openSeqGaps, alerted] = await Promise.all([
    repo.latest(input.id),
    repo.credentials(input.id),
    listSeqGaps(ctx.db, ctx.tenantId, input.id, { openOnly: true }),
    repo.openOfflineAlertsAmong([input.id]),
  ]);
  const connectivity = connectivityOf(
    device,
    alerted.has(device.id),
    ctx.ports.now(),
    ctx.ports.offlineFactor,
  );
  return { device, latest, credentials, openSeqGaps, connectivity };
}
