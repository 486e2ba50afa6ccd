import { describe, expect, it } from 'vitest';
import { coalesceReadings, effectiveSubscription, mayDeliver, readingsEvent } from './delivery.js';
import type { LiveEvent } from './messages.js';

const reading = (deviceId: string, facilityId: string | null): LiveEvent =>
  readingsEvent({
    deviceId,
    facilityId,
    acceptedAt: 1,
    rows: [{ metric: 'temperature', ts: 1, value: 4 }],
  });
const ALL = { facilityIds: 'all' as const, deviceIds: [] };

describe('who receives an event', () => {
  it('a member limited to facility A never receives facility B, nor devices without a facility', () => {
    const operator = { role: 'operator' as const, facilityIds: ['fac_a'] };
    expect(mayDeliver(reading('dev_1', 'fac_a'), operator, ALL)).toBe(true);
    expect(mayDeliver(reading('dev_2', 'fac_b'), operator, ALL)).toBe(false);
    expect(mayDeliver(reading('dev_3', null), operator, ALL)).toBe(false);
    // Naming the device does not get around the scope.
    const byDevice = { facilityIds: [], deviceIds: ['dev_2'] };
    expect(mayDeliver(reading('dev_2', 'fac_b'), operator, byDevice)).toBe(false);
  });

  it('unlimited roles see every facility, and only what they subscribed to', () => {
    const auditor = { role: 'auditor' as const, facilityIds: null };
    expect(mayDeliver(reading('dev_3', null), auditor, ALL)).toBe(true);
    const one = { facilityIds: ['fac_a'], deviceIds: ['dev_9'] };
    expect(mayDeliver(reading('dev_1', 'fac_a'), auditor, one)).toBe(true);
    expect(mayDeliver(reading('dev_2', 'fac_b'), auditor, one)).toBe(false);
    expect(mayDeliver(reading('dev_9', 'fac_b'), auditor, one)).toBe(true);
  });

  it('the effective subscription drops facilities outside the scope', () => {
    const vendor = { role: 'vendor' as const, facilityIds: ['fac_a'] };
    expect(
      effectiveSubscription({ facilityIds: ['fac_a', 'fac_b', 'fac_a'], deviceIds: [] }, vendor),
    ).toEqual({ facilityIds: ['fac_a'], deviceIds: [] });
  });
});

describe('coalescing for a slow reader', () => {
  it('keeps the newest value per metric by event time and drops the points', () => {
    const a = readingsEvent({
      deviceId: 'dev_1',
      facilityId: 'fac_a',
      acceptedAt: 10,
      rows: [
        { metric: 'temperature', ts: 5, value: 4 },
        { metric: 'humidity', ts: 5, value: 50 },
      ],
    });
    const late = readingsEvent({
      deviceId: 'dev_1',
      facilityId: 'fac_a',
      acceptedAt: 20,
      rows: [{ metric: 'temperature', ts: 3, value: 9 }],
    });
    const merged = coalesceReadings(coalesceReadings(undefined, a), late);
    expect(merged).toMatchObject({
      coalesced: true,
      points: [],
      acceptedAt: 20,
      latest: { temperature: { ts: 5, value: 4 }, humidity: { ts: 5, value: 50 } },
    });
  });
});
