import { heldOptions, type ReadingRow, timeWeightedMkt } from '@anythingiot/core';
import { deviceRepo, ingestReadings } from '@anythingiot/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, registerDevice, type TestApp } from '../../../test/harness.js';
import { call, seedApiKey } from '../../../test/tenant-fixtures.js';

let t: TestApp;
let key: string;
let deviceId: string;
const MINUTE = 60_000;
// Whole hours, so bucket edges in the assertions are easy to state.
const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const start = end - 48 * 60 * MINUTE;
const temps: ReadingRow[] = [];

beforeAll(async () => {
  t = await createTestApp('api_readings');
  const device = await registerDevice(t.db);
  deviceId = device.deviceId;
  key = (await seedApiKey(t.db, device.tenantId)).key;
  // Two days, one reading a minute: a fridge at 4–6 °C with one warm hour at 12 °C.
  for (let ts = start; ts < end; ts += MINUTE) {
    const warm = ts >= end - 5 * 60 * MINUTE && ts < end - 4 * 60 * MINUTE;
    const value = warm ? 12 : 4 + ((ts / MINUTE) % 3);
    temps.push({ metric: 'temperature', ts, value, seq: null });
  }
  const rows = [...temps, { metric: 'humidity', ts: end - MINUTE, value: 55, seq: null }];
  for (let i = 0; i < rows.length; i += 1_000) {
    await ingestReadings(t.db.handle.db, device, rows.slice(i, i + 1_000));
  }
});
afterAll(() => t?.db.drop());

const iso = (ms: number) => new Date(ms).toISOString();
const get = (query: string) => call(t.app, key, 'GET', `/v1/devices/${deviceId}/readings?${query}`);

describe('GET /v1/devices/:id/readings', () => {
  it('serves raw readings for a short range, in event-time order, with a summary and MKT', async () => {
    const from = end - 6 * 60 * MINUTE;
    const res = await get(`from=${iso(from)}&to=${iso(end)}`);
    expect(res.status).toBe(200);
    const series = await res.json();
    expect(series).toMatchObject({
      metric: 'temperature',
      unit: '°C',
      resolution: 'raw',
      truncated: false,
    });
    const expected = temps.filter((r) => r.ts >= from);
    expect(series.points.map((p: { ts: string }) => Date.parse(p.ts))).toEqual(
      expected.map((r) => r.ts),
    );
    expect(series.summary.count).toBe(360);
    expect(series.summary.max).toBe(12);
    const mean = expected.reduce((a, r) => a + r.value, 0) / expected.length;
    expect(series.summary.mean).toBeCloseTo(mean, 9);
    // Time-weighted (#22): each reading until the next, the newest one interval (60 s).
    const mkt = timeWeightedMkt(
      expected.map((r) => ({ ts: r.ts, celsius: r.value })),
      heldOptions(60),
    );
    expect(series.summary.mkt).toBeCloseTo(mkt!, 9);
    // The warm hour pulls MKT above the arithmetic mean: what an auditor looks for.
    expect(series.summary.mkt).toBeGreaterThan(series.summary.mean);
  });

  it('folds the rollups into hourly buckets that agree with the raw data', async () => {
    const res = await get(`from=${iso(start)}&to=${iso(end)}&resolution=1h`);
    const series = await res.json();
    expect(series.resolution).toBe('1h');
    expect(series.points).toHaveLength(48);
    expect(series.points.every((p: { count: number }) => p.count === 60)).toBe(true);
    const warm = series.points.find(
      (p: { ts: string }) => Date.parse(p.ts) === end - 5 * 3_600_000,
    );
    expect(warm).toMatchObject({ min: 12, max: 12, mean: 12 });
    expect(warm.mkt).toBeCloseTo(12, 9);

    const want = timeWeightedMkt(
      temps.map((r) => ({ ts: r.ts, celsius: r.value })),
      heldOptions(60),
    );
    expect(series.summary.count).toBe(temps.length);
    expect(series.summary.mkt).toBeCloseTo(want!, 9);
  });

  it('weights MKT by time when a device changes its interval (#22: 23 h every 15 min, 1 h every minute)', async () => {
    const other = await registerDevice(t.db, 'Pharmacy fridge');
    await deviceRepo(t.db.handle.db, other.tenantId).update(
      other.deviceId,
      { expectedIntervalSeconds: 900 },
      { actor: { type: 'system', id: 'test' }, requestId: null },
    );
    const day = end - 24 * 60 * MINUTE;
    const cold = Array.from({ length: 92 }, (_, i) => ({ ts: day + i * 15 * MINUTE, value: 5 }));
    const warm = Array.from({ length: 60 }, (_, i) => ({ ts: end - (60 - i) * MINUTE, value: 25 }));
    const rows = [...cold, ...warm].map((r) => ({ metric: 'temperature', seq: null, ...r }));
    await ingestReadings(t.db.handle.db, other, rows);
    const otherKey = (await seedApiKey(t.db, other.tenantId)).key;
    const res = await call(
      t.app,
      otherKey,
      'GET',
      `/v1/devices/${other.deviceId}/readings?from=${iso(day)}&to=${iso(end)}&resolution=1h`,
    );
    const series = await res.json();
    // 23 h at 5 °C, then 59 min + the newest reading's one interval (15 min) at 25 °C.
    const want = timeWeightedMkt(
      rows.map((r) => ({ ts: r.ts, celsius: r.value })),
      heldOptions(900),
    );
    expect(series.summary.mkt).toBeCloseTo(want!, 9);
    expect(series.summary.mkt).toBeLessThan(8.5); // count-weighted it was 18.05 °C
  });

  it('picks a chart-sized resolution by itself and aligns to whole buckets', async () => {
    const week = await (
      await get(`from=${iso(end - 7 * 24 * 60 * MINUTE)}&to=${iso(end - 1)}`)
    ).json();
    expect(week.resolution).toBe('1h');
    expect(week.to).toBe(iso(end));
    const day = await (
      await get(`from=${iso(end - 24 * 60 * MINUTE + 30_000)}&to=${iso(end)}`)
    ).json();
    expect(day.resolution).toBe('1m');
    expect(day.from).toBe(iso(end - 24 * 60 * MINUTE));
    expect(day.points).toHaveLength(24 * 60);
  });

  it('answers 422 naming the maximum to 1m over 400 days (576,000 buckets), and serves auto', async () => {
    const from = iso(end - 400 * 24 * 60 * MINUTE);
    const res = await get(`from=${from}&to=${iso(end)}&resolution=1m`);
    expect(res.status).toBe(422);
    const problem = await res.json();
    expect(problem).toMatchObject({
      code: 'too_many_points',
      errors: [{ path: 'resolution' }],
    });
    expect(problem.detail).toContain('At most 10,080 points per answer');
    expect(problem.detail).toContain('Narrow the range to 7 days or less at 1m');
    const auto = await get(`from=${from}&to=${iso(end)}`);
    expect(auto.status).toBe(200);
    expect((await auto.json()).resolution).toBe('1d');
  });

  it('serves other metrics with their unit, and nothing for a range without data', async () => {
    const humidity = await (
      await get(`metric=humidity&from=${iso(end - 3_600_000)}&to=${iso(end)}`)
    ).json();
    expect(humidity).toMatchObject({ unit: '%RH', summary: { count: 1, mean: 55, mkt: null } });
    const empty = await (await get(`from=${iso(start - 3_600_000)}&to=${iso(start)}`)).json();
    expect(empty).toMatchObject({ points: [], summary: null });
  });

  it.each([
    [`from=${iso(end)}&to=${iso(end - 1)}`, 'from'],
    [`from=${iso(end - 7 * 86_400_000)}&to=${iso(end)}&resolution=raw`, 'resolution'],
    [`from=${iso(end - 500 * 86_400_000)}&to=${iso(end)}`, 'to'],
    ['metric=Temp!', 'metric'],
    ['from=yesterday', 'from'],
    ['resolution=2m', 'resolution'],
  ])('refuses %s naming the field', async (query, field) => {
    const res = await get(query);
    expect(res.status).toBe(422);
    expect((await res.json()).errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('answers 404 for a device that is not there', async () => {
    const res = await call(t.app, key, 'GET', '/v1/devices/dev_00000000000000000000/readings');
    expect(res.status).toBe(404);
  });
});
