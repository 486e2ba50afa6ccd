import { type Connectivity, deviceConnectivity } from '@anythingiot/core';
import { type Device, deviceRepo } from '@anythingiot/db';
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
 * connectivity (core's `deviceConnectivity`, the rule every page uses): what a device list or
 * a facility page shows, in three statements whatever the page size.
 */
export async function listDeviceStates({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: ListDevicesInput;
}): Promise<{ items: DeviceState[]; nextCursor: string | null }> {
  // One instant for the connectivity filter and the badges, so no listed device can have
  // crossed its limit between the two (a status=online page showing an offline badge).
  const now = ctx.ports.now();
  const atNow: TenantCtx = { ...ctx, ports: { ...ctx.ports, now: () => now } };
  const page = await listDevices({ ctx: atNow, input });
  const ids = page.items.map((d) => d.id);
  const repo = deviceRepo(ctx.db, ctx.tenantId, ctx);
  const [latest, alerted] = await Promise.all([
    repo.latestOf(ids),
    repo.openOfflineAlertsAmong(ids),
  ]);
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
      connectivity: connectivityOf(device, alerted.has(device.id), now, ctx.ports.offlineFactor),
    })),
    nextCursor: page.nextCursor,
  };
}

/** A device row's connectivity at `now` (core's rule). */
export function connectivityOf(
  device: Device,
  offlineAlertOpen: boolean,
  now: number,
  offlineFactor: number,
): Connectivity {
  return deviceConnectivity({
    revoked: device.status === 'revoked',
    lastSeenAt: device.lastSeenAt?.getTime() ?? null,
    expectedIntervalSeconds: device.expectedIntervalSeconds,
    offlineAlertOpen,
    now,
    offlineFactor,
  });
}
