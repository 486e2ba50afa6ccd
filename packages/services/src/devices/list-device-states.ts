import { type Connectivity, type Device, deviceRepo } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { type ListDevicesInput, listDevices } from './list-devices.js';

export type { Connectivity };

/** A device with the newest value of each of its metrics, by metric name. */
export type DeviceState = {
  device: Device;
  latest: Record<string, { value: number; ts: Date }>;
  connectivity: Connectivity;
};

/**
 * One page of devices, filtered and paged like `listDevices`, each with its newest values and
 * connectivity: what a device list or a facility page shows, in three statements whatever the
 * page size. Offline means an ongoing offline alert, the judgement the overview uses too.
 */
export async function listDeviceStates({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: ListDevicesInput;
}): Promise<{ items: DeviceState[]; nextCursor: string | null }> {
  const page = await listDevices({ ctx, input });
  const ids = page.items.map((d) => d.id);
  const repo = deviceRepo(ctx.db, ctx.tenantId, ctx);
  const [latest, offline] = await Promise.all([repo.latestOf(ids), repo.offlineAmong(ids)]);
  const byDevice = new Map<string, DeviceState['latest']>();
  for (const { deviceId, metric, value, ts } of latest) {
    const values = byDevice.get(deviceId) ?? {};
    values[metric] = { value, ts };
    byDevice.set(deviceId, values);
  }
  return {
    items: page.items.map((device) => ({
      device,
      latest: byDevice.get(device.id) ?? {},
      connectivity: connectivityOf(device, offline.has(device.id)),
    })),
    nextCursor: page.nextCursor,
  };
}

function connectivityOf(device: Device, offline: boolean): Connectivity {
  if (device.status === 'revoked') return 'revoked';
  if (offline) return 'offline';
  return device.lastSeenAt === null ? 'waiting' : 'online';
}
