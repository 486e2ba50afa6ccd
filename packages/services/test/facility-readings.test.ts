import { newId } from '@anythingiot/core';
import { ingestReadings } from '@anythingiot/db';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createDevice,
  getFacilityReadings,
  getReadings,
  MAX_FACILITY_SERIES,
} from '../src/index.js';
import { memberCtx, seedTenant } from './fixtures.js';

// The facility page's sparklines, batched: one statement over the rollups for many devices
// must give each device exactly what getReadings gives it alone, and nothing of a device in
// another facility, out of the caller's reach or in another tenant.
let db: TestDatabase;
let w: Awaited<ReturnType<typeof seedWorld>>;
const HOUR = 3_600_000;

async function seedWorld() {
  const { tenantId, facilities } = await seedTenant(db, ['Cold room', 'Freezer hall']);
  const [cold, freezer] = facilities as [(typeof facilities)[0], (typeof facilities)[0]];
  const admin = (await memberCtx(db, tenantId, null)).ctx;
  const device = async (name: string, facilityId: string) =>
    (await createDevice({ ctx: admin, input: { name, facilityId } })).device;
  const fridges = [
    await device('Fridge 1', cold.id),
    await device('Fridge 2', cold.id),
    await device('Fridge 3 (humidity only)', cold.id),
    await device('Fridge 4 (never)', cold.id),
  ];
  const freezerUnit = await device('Freezer', freezer.id);
  const now = Date.now();
  // 26 hours of readings every 7 minutes (more than the 24 h asked for, so both ends cut),
  // each device on its own curve; the third reports humidity only.
  const series = (i: number) =>
    Array.from({ length: Math.floor((26 * HOUR) / 420_000) }, (_, k) => ({
      ts: now - k * 420_000 - i * 13_000,
      value: 4 + i + Math.sin(k / 5) * 2 + (k % 3) * 0.1,
    }));
  for (const [i, d] of [fridges[0]!, fridges[1]!, freezerUnit].entries()) {
    await ingestReadings(
      db.handle.db,
      { tenantId, deviceId: d.id },
      series(i).map((p) => ({ metric: 'temperature', ts: p.ts, value: p.value, seq: null })),
    );
  }
  await ingestReadings(
    db.handle.db,
    { tenantId, deviceId: fridges[2]!.id },
    series(3).map((p) => ({ metric: 'humidity', ts: p.ts, value: 40 + p.value, seq: null })),
  );
  return { tenantId, cold, freezer, admin, fridges, freezerUnit, now };
}

beforeAll(async () => {
  db = await createTestDatabase('services_facility_readings');
  w = await seedWorld();
});
afterAll(() => db?.drop());

describe('getFacilityReadings', () => {
  it.each([
    ['temperature', '1h'],
    ['temperature', '5m'],
    ['humidity', '1h'],
  ] as const)(
    'gives each device what getReadings gives it (%s, %s)',
    async (metric, resolution) => {
      const to = new Date(w.now);
      const from = new Date(w.now - 24 * HOUR);
      const ids = w.fridges.map((d) => d.id);
      const batch = await getFacilityReadings({
        ctx: w.admin,
        input: { facilityId: w.cold.id, deviceIds: ids, metric, from, to, resolution },
      });
      expect(batch.series.map((s) => s.deviceId)).toEqual(ids);
      let withData = 0;
      for (const [i, id] of ids.entries()) {
        const alone = await getReadings({
          ctx: w.admin,
          input: { id, metric, from, to, resolution },
        });
        expect(batch.series[i]!.points, `${metric} of device ${i}`).toEqual(alone.points);
        expect(batch.series[i]!.summary).toEqual(alone.summary);
        if (alone.points.length > 0) withData++;
        expect({ from: batch.from, to: batch.to, unit: batch.unit }).toEqual({
          from: alone.from,
          to: alone.to,
          unit: alone.unit,
        });
      }
      // Not vacuous: the comparison covered devices with a full day of buckets.
      expect(withData).toBe(metric === 'temperature' ? 2 : 1);
      // A full day of buckets (readings every 7 minutes: ~206 of the 288 five-minute ones).
      const most = Math.max(...batch.series.map((x) => x.points.length));
      expect(most).toBeGreaterThanOrEqual(resolution === '1h' ? 24 : 200);
    },
  );

  it('asks the database once, whatever the number of devices', async () => {
    const spy = vi.spyOn(db.handle.pool, 'query');
    try {
      await getFacilityReadings({
        ctx: w.admin,
        input: {
          facilityId: w.cold.id,
          deviceIds: w.fridges.map((d) => d.id),
          metric: 'temperature',
          resolution: '1h',
        },
      });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('gives nothing of a device in another facility, even when asked for it by id', async () => {
    const batch = await getFacilityReadings({
      ctx: w.admin,
      input: {
        facilityId: w.cold.id,
        deviceIds: [w.freezerUnit.id, w.fridges[0]!.id],
        metric: 'temperature',
        resolution: '1h',
      },
    });
    expect(batch.series[0]).toEqual({ deviceId: w.freezerUnit.id, points: [], summary: null });
    expect(batch.series[1]!.points.length).toBeGreaterThan(0);
  });

  it('gives a member limited to another facility nothing of this one', async () => {
    const { ctx } = await memberCtx(db, w.tenantId, [w.freezer.id]);
    const batch = await getFacilityReadings({
      ctx,
      input: {
        facilityId: w.cold.id,
        deviceIds: w.fridges.map((d) => d.id),
        metric: 'temperature',
        resolution: '1h',
      },
    });
    expect(batch.series.every((s) => s.points.length === 0)).toBe(true);
    // Their own facility still answers.
    const own = await getFacilityReadings({
      ctx,
      input: {
        facilityId: w.freezer.id,
        deviceIds: [w.freezerUnit.id],
        metric: 'temperature',
        resolution: '1h',
      },
    });
    expect(own.series[0]!.points.length).toBeGreaterThan(0);
  });

  it("gives another tenant nothing, with this tenant's facility and device ids", async () => {
    const { tenantId } = await seedTenant(db, []);
    const { ctx } = await memberCtx(db, tenantId, null);
    const batch = await getFacilityReadings({
      ctx,
      input: {
        facilityId: w.cold.id,
        deviceIds: w.fridges.map((d) => d.id),
        metric: 'temperature',
        resolution: '1h',
      },
    });
    expect(batch.series.every((s) => s.points.length === 0 && s.summary === null)).toBe(true);
  });

  it('answers an empty list without asking the database', async () => {
    const spy = vi.spyOn(db.handle.pool, 'query');
    try {
      const batch = await getFacilityReadings({
        ctx: w.admin,
        input: { facilityId: w.cold.id, deviceIds: [], metric: 'temperature', resolution: '1h' },
      });
      expect(batch.series).toEqual([]);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it.each([
    ['an unknown metric name', { metric: 'temp erature' }, 'VALIDATION', 'metric'],
    ['a malformed device id', { deviceIds: ['fac_notadevice'] }, 'VALIDATION', 'deviceIds'],
    [
      'too many devices',
      { deviceIds: Array.from({ length: MAX_FACILITY_SERIES + 1 }, () => newId('device')) },
      'VALIDATION',
      'deviceIds',
    ],
    ['an empty range', { from: new Date(1_000), to: new Date(1_000) }, 'VALIDATION', 'from'],
    ['a malformed facility id', { facilityId: 'not-a-facility' }, 'NOT_FOUND', null],
  ] as const)('refuses %s clearly (%s %s)', async (_, change, code, path) => {
    const input = {
      facilityId: w.cold.id,
      deviceIds: [w.fridges[0]!.id],
      metric: 'temperature',
      resolution: '1h' as const,
      ...change,
    };
    await expect(getFacilityReadings({ ctx: w.admin, input })).rejects.toMatchObject({
      code,
      ...(path && { details: { errors: [expect.objectContaining({ path })] } }),
    });
  });
});
