import { describe, expect, it } from 'vitest';
import { foldDevice, foldDevices, type LiveDevice } from '../app/ui/live/fold';
import type { LiveEvent } from '../app/ui/live/protocol';

// A device as the facility and device pages hold it, after live events: newest values by event
// time, last seen by receive time, online by the server's rule, each reading kept once.

const T = Date.UTC(2026, 10, 23, 12, 0);
const MINUTE = 60_000;

const fridge: LiveDevice = {
  id: 'dev_fridge',
  connectivity: 'offline',
  lastSeenAt: new Date(T - 30 * MINUTE).toISOString(),
  latest: { temperature: { value: 4, ts: T - 30 * MINUTE } },
};

const readings = (
  deviceId: string,
  points: [number, number][],
  extra: Partial<Extract<LiveEvent, { type: 'readings' }>> = {},
): LiveEvent => ({
  type: 'readings',
  deviceId,
  facilityId: 'fac_1',
  acceptedAt: T,
  latest: Object.fromEntries(
    points.length ? [['temperature', { ts: points.at(-1)![0], value: points.at(-1)![1] }]] : [],
  ),
  points: points.map(([ts, value]) => ({ metric: 'temperature', ts, value })),
  ...extra,
});

describe('folding live events into a device', () => {
  it('takes the newest value, the receive time as last seen, and online', () => {
    const next = foldDevice(
      fridge,
      readings('dev_fridge', [
        [T - 2 * MINUTE, 5],
        [T - MINUTE, 6],
      ]),
    );
    expect(next.latest.temperature).toEqual({ value: 6, ts: T - MINUTE });
    expect(next.lastSeenAt).toBe(new Date(T).toISOString());
    expect(next.connectivity).toBe('online');
    expect(next.arrived?.temperature).toEqual([
      { ts: T - 2 * MINUTE, value: 5 },
      { ts: T - MINUTE, value: 6 },
    ]);
  });

  it('is unchanged by the same event twice, and keeps each reading once in time order', () => {
    const event = readings('dev_fridge', [[T - MINUTE, 6]]);
    const once = foldDevice(fridge, event);
    const twice = foldDevice(once, event);
    expect(twice).toEqual(once);
    const late = foldDevice(twice, readings('dev_fridge', [[T - 20 * MINUTE, 3]]));
    expect(late.arrived?.temperature?.map((p) => p.ts)).toEqual([T - 20 * MINUTE, T - MINUTE]);
    // A late reading joins the series but does not replace the newer latest value.
    expect(late.latest.temperature).toEqual({ value: 6, ts: T - MINUTE });
  });

  it('takes status events, but a revoked device stays revoked', () => {
    const online = { ...fridge, connectivity: 'online' as const };
    expect(
      foldDevice(online, {
        type: 'device_status',
        deviceId: 'dev_fridge',
        facilityId: 'fac_1',
        status: 'offline',
        at: T,
      }).connectivity,
    ).toBe('offline');
    const revoked = { ...fridge, connectivity: 'revoked' as const };
    expect(foldDevice(revoked, readings('dev_fridge', [[T, 5]])).connectivity).toBe('revoked');
    expect(
      foldDevice(revoked, {
        type: 'device_status',
        deviceId: 'dev_fridge',
        facilityId: 'fac_1',
        status: 'online',
        at: T,
      }),
    ).toBe(revoked);
  });

  it('updates the newest value from a coalesced event (no points)', () => {
    const next = foldDevice(
      fridge,
      readings('dev_fridge', [], {
        coalesced: true,
        latest: { temperature: { ts: T, value: 7 } },
      }),
    );
    expect(next.latest.temperature).toEqual({ value: 7, ts: T });
    expect(next.arrived?.temperature).toBeUndefined();
  });

  it('leaves other devices and other events alone (the list is the same object)', () => {
    const list = [fridge];
    expect(foldDevices(list, readings('dev_other', [[T, 1]]))).toBe(list);
    expect(
      foldDevices(list, {
        type: 'command_status',
        commandId: 'cmd_1',
        deviceId: 'dev_fridge',
        facilityId: 'fac_1',
        command: 'reboot',
        status: 'sent',
        at: T,
      }),
    ).toBe(list);
    expect(foldDevices(list, readings('dev_fridge', [[T, 1]]))).not.toBe(list);
  });
});
