import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ConnectivityInput, deviceConnectivity, offlineState } from './offline.js';

const S = 1_000;

describe('offlineState', () => {
  it('is online before interval × factor and says when to look again', () => {
    expect(offlineState(100 * S, 10, 3, 129 * S)).toEqual({
      offline: false,
      since: null,
      checkAt: 130 * S,
    });
  });

  it('is offline from the deadline on, since the deadline', () => {
    expect(offlineState(100 * S, 10, 3, 130 * S)).toEqual({
      offline: true,
      since: 130 * S,
      checkAt: 160 * S,
    });
    expect(offlineState(100 * S, 10, 3, 500 * S)).toMatchObject({ offline: true, since: 130 * S });
  });

  it('does not call a device that never reported offline', () => {
    expect(offlineState(null, 60, 5, 1_000 * S)).toEqual({
      offline: false,
      since: null,
      checkAt: 1_300 * S,
    });
  });

  it('treats a last reading from the future (clock skew) as online', () => {
    expect(offlineState(200 * S, 10, 3, 100 * S)).toMatchObject({
      offline: false,
      checkAt: 230 * S,
    });
  });

  it('refuses nonsense configuration', () => {
    expect(() => offlineState(0, 0, 3, 0)).toThrow(RangeError);
    expect(() => offlineState(0, 10, 0.5, 0)).toThrow(RangeError);
  });
});

describe('deviceConnectivity', () => {
  const base: ConnectivityInput = {
    revoked: false,
    lastSeenAt: 100 * S,
    expectedIntervalSeconds: 10,
    offlineAlertOpen: false,
    now: 129 * S,
    offlineFactor: 3,
  };

  it('is online while the silence is shorter than interval × factor', () => {
    expect(deviceConnectivity(base)).toBe('online');
    expect(deviceConnectivity({ ...base, now: 130 * S - 1 })).toBe('online');
  });

  it('is offline from the limit on, before any sweep raised an alert', () => {
    expect(deviceConnectivity({ ...base, now: 130 * S })).toBe('offline');
    expect(deviceConnectivity({ ...base, now: 10_000 * S })).toBe('offline');
  });

  it('is offline while an offline alert is open, even with fresh data', () => {
    expect(deviceConnectivity({ ...base, offlineAlertOpen: true, now: 100 * S })).toBe('offline');
  });

  it('calls a device that never reported never_reported, not offline', () => {
    expect(deviceConnectivity({ ...base, lastSeenAt: null, now: 10_000 * S })).toBe(
      'never_reported',
    );
    // Only an alert (which the sweep never raises for it) would say otherwise.
    expect(deviceConnectivity({ ...base, lastSeenAt: null, offlineAlertOpen: true })).toBe(
      'offline',
    );
  });

  it('says revoked whatever else holds', () => {
    expect(
      deviceConnectivity({ ...base, revoked: true, offlineAlertOpen: true, now: 10_000 * S }),
    ).toBe('revoked');
    expect(deviceConnectivity({ ...base, revoked: true, lastSeenAt: null })).toBe('revoked');
  });

  it('follows the factor: a larger factor waits longer', () => {
    expect(deviceConnectivity({ ...base, now: 140 * S, offlineFactor: 3 })).toBe('offline');
    expect(deviceConnectivity({ ...base, now: 140 * S, offlineFactor: 5 })).toBe('online');
    expect(deviceConnectivity({ ...base, now: 115 * S, offlineFactor: 1.5 })).toBe('offline');
  });

  const inputs = fc.record({
    revoked: fc.boolean(),
    lastSeenAt: fc.option(fc.integer({ min: 0, max: 2_000_000_000_000 }), { nil: null }),
    expectedIntervalSeconds: fc.integer({ min: 1, max: 86_400 }),
    offlineAlertOpen: fc.boolean(),
    now: fc.integer({ min: 0, max: 2_000_000_000_000 }),
    offlineFactor: fc.double({ min: 1, max: 100, noNaN: true }),
  });

  it('offline exactly when not revoked and (the alert is open or the sweep would raise one)', () => {
    fc.assert(
      fc.property(inputs, (d) => {
        const silent =
          d.lastSeenAt !== null &&
          offlineState(d.lastSeenAt, d.expectedIntervalSeconds, d.offlineFactor, d.now).offline;
        expect(deviceConnectivity(d) === 'offline').toBe(
          !d.revoked && (d.offlineAlertOpen || silent),
        );
      }),
    );
  });

  it('online only for a reporting, active device without an open alert', () => {
    fc.assert(
      fc.property(inputs, (d) => {
        if (deviceConnectivity(d) !== 'online') return;
        expect(d.revoked || d.offlineAlertOpen || d.lastSeenAt === null).toBe(false);
        // Within a millisecond: the sum of a large timestamp and a fractional limit rounds.
        expect(d.now - d.lastSeenAt!).toBeLessThan(
          d.expectedIntervalSeconds * d.offlineFactor * S + 1,
        );
      }),
    );
  });

  it('never goes back online as time passes without data (monotone in now)', () => {
    fc.assert(
      fc.property(inputs, fc.integer({ min: 0, max: 10 * 86_400_000 }), (d, later) => {
        if (deviceConnectivity(d) !== 'offline') return;
        expect(deviceConnectivity({ ...d, now: d.now + later })).toBe('offline');
      }),
    );
  });

  it('is online again once data arrives and the alert has ended', () => {
    fc.assert(
      fc.property(inputs, (d) => {
        if (d.revoked) return;
        const back = { ...d, lastSeenAt: d.now, offlineAlertOpen: false };
        expect(deviceConnectivity(back)).toBe('online');
      }),
    );
  });
});
