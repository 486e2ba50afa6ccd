import {
  combineMktParts,
  EMPTY_MKT_PARTS,
  heldOptions,
  heldTimes,
  type MktParts,
  mktFromParts,
  mktPartsOf,
  newId,
  timeWeightedMkt,
} from '@anythingiot/core';
import { and, asc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readings, rollups1m } from '../schema/index.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { deviceRepo } from './devices.js';
import { ingestReadings } from './readings.js';
import { bucketSeries } from './series.js';
import { createTenant } from './tenants.js';

// Issue #22 item 1: the ingest statement keeps each temperature reading's held time and the
// rollups' time-weighted sums exact however the readings arrive (late, back-filled, repeated).
const system = { type: 'system' as const, id: 'test' };
const T0 = Date.parse('2026-11-23T10:00:00Z');
const INTERVAL_S = 60;
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase('db_mkt_rollups');
});
afterAll(() => tdb?.drop());

async function device() {
  const tenant = await createTenant(tdb.handle.db, { name: 'T', slug: newId('request') }, system);
  const dev = await deviceRepo(tdb.handle.db, tenant.id).create(
    { name: 'Fridge', expectedIntervalSeconds: INTERVAL_S },
    'v1.sealed.a',
    1,
    { actor: system, requestId: null },
  );
  return { tenantId: tenant.id, deviceId: dev.id };
}

async function stored(deviceId: string) {
  const held = await tdb.handle.db
    .select({ ts: readings.ts, value: readings.value, heldMs: readings.heldMs })
    .from(readings)
    .where(and(eq(readings.deviceId, deviceId), eq(readings.metric, 'temperature')))
    .orderBy(asc(readings.ts));
  const buckets = await tdb.handle.db
    .select()
    .from(rollups1m)
    .where(and(eq(rollups1m.deviceId, deviceId), eq(rollups1m.metric, 'temperature')))
    .orderBy(asc(rollups1m.bucket));
  return { held, buckets };
}

const partsOf = (b: { heldMs: number; arrheniusMax: number | null; arrheniusHeld: number }) =>
  ({ heldMs: b.heldMs, max: b.arrheniusMax, weighted: b.arrheniusHeld }) satisfies MktParts;

describe('time-weighted MKT in the rollups', () => {
  it('a warm spell after a cold one, stored newest first: time-weighted from the buckets', async () => {
    const target = await device();
    // A 1-minute device: 2 h at 5 °C, then 10 min at 25 °C.
    const cold = Array.from({ length: 120 }, (_, i) => ({ ts: T0 + i * 60_000, value: 5 }));
    const warm = Array.from({ length: 10 }, (_, i) => ({ ts: T0 + (120 + i) * 60_000, value: 25 }));
    const rows = [...cold, ...warm].map((r) => ({ metric: 'temperature', seq: null, ...r }));
    // Newest first, then the rest: every reading arrives late except the first batch.
    await ingestReadings(tdb.handle.db, target, rows.slice(65));
    await ingestReadings(tdb.handle.db, target, rows.slice(0, 65));
    const points = await bucketSeries(
      tdb.handle.db,
      { ...target, metric: 'temperature', from: new Date(T0), to: new Date(T0 + 86_400_000) },
      '1h',
      24,
    );
    // The LIMIT is a real bound on the statement (the second guard behind core's points cap).
    const first = await bucketSeries(
      tdb.handle.db,
      { ...target, metric: 'temperature', from: new Date(T0), to: new Date(T0 + 86_400_000) },
      '1h',
      1,
    );
    expect(first).toEqual(points.slice(0, 1));
    const mkt = mktFromParts(points.reduce((a, p) => combineMktParts(a, p.mkt), EMPTY_MKT_PARTS));
    const want = timeWeightedMkt(
      rows.map((r) => ({ ts: r.ts, celsius: r.value })),
      heldOptions(INTERVAL_S),
    );
    expect(mkt).toBeCloseTo(want!, 9);
    expect(mkt?.toFixed(2)).toBe('9.54'); // USP <1160> for 120 min at 5 °C, 10 min at 25 °C
  });

  it('property: any arrival order leaves held times and buckets equal to the raw computation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.record({
            // Seconds over ~20 minutes: several readings per bucket, gaps beyond the cap too.
            ts: fc.integer({ min: 0, max: 1_200 }).map((s) => T0 + s * 1_000),
            value: fc.double({ min: -272, max: 60, noNaN: true }),
          }),
          { minLength: 1, maxLength: 25, selector: (r) => r.ts },
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        async (series, cuts, repeat) => {
          const target = await device();
          const rows = series.map((r) => ({ metric: 'temperature', seq: null, ...r }));
          // Random batches in the given (random) order: late and back-filled arrival.
          const at = [...new Set(cuts.map((c) => c % (rows.length + 1)))].sort((a, b) => a - b);
          let from = 0;
          for (const to of [...at, rows.length]) {
            if (to > from) await ingestReadings(tdb.handle.db, target, rows.slice(from, to));
            from = to;
          }
          if (repeat) await ingestReadings(tdb.handle.db, target, rows); // all duplicates
          const { held, buckets } = await stored(target.deviceId);
          const sorted = [...rows].sort((a, b) => a.ts - b.ts);
          const want = heldTimes(
            sorted.map((r) => r.ts),
            heldOptions(INTERVAL_S),
          );
          expect(held.map((h) => h.heldMs)).toEqual(want);
          // Each bucket equals the fold of its readings; all buckets equal the whole series.
          for (const b of buckets) {
            const inside = sorted
              .map((r, i) => ({ r, w: want[i]! }))
              .filter(({ r }) => r.ts >= b.bucket.getTime() && r.ts < b.bucket.getTime() + 60_000);
            const parts = inside.reduce(
              (a, { r, w }) => combineMktParts(a, mktPartsOf(r.value, w)),
              EMPTY_MKT_PARTS,
            );
            expect(b.count).toBe(inside.length);
            expect(b.heldMs).toBe(parts.heldMs);
            expect(mktFromParts(partsOf(b))).toBeCloseTo(mktFromParts(parts)!, 9);
          }
          const all = buckets.reduce((a, b) => combineMktParts(a, partsOf(b)), EMPTY_MKT_PARTS);
          const raw = timeWeightedMkt(
            rows.map((r) => ({ ts: r.ts, celsius: r.value })),
            heldOptions(INTERVAL_S),
          );
          expect(mktFromParts(all)).toBeCloseTo(raw!, 9);
        },
      ),
      { numRuns: 25 },
    );
  });
});
