import {
  combineMktParts,
  mktFromParts,
  mktPartsOf,
  newId,
  type ReadingRow,
} from '@anythingiot/core';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceLatest, devices, readings, rollups1m } from '../schema/index.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { deviceRepo, findDeviceAuth } from './devices.js';
import { ingestReadings } from './readings.js';
import { createTenant } from './tenants.js';

const system = { type: 'system' as const, id: 'test' };
const meta = { actor: system, requestId: null };
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase('db_readings');
});
afterAll(() => tdb?.drop());

async function device() {
  const tenant = await createTenant(tdb.handle.db, { name: 'T', slug: newId('request') }, system);
  const dev = await deviceRepo(tdb.handle.db, tenant.id).create(
    { name: 'Fridge' },
    'v1.sealed.a',
    1,
    meta,
  );
  return { tenantId: tenant.id, deviceId: dev.id };
}

const at = (iso: string) => Date.parse(iso);
const row = (
  metric: string,
  iso: string,
  value: number,
  seq: number | null = null,
): ReadingRow => ({
  metric,
  ts: at(iso),
  value,
  seq,
});

describe('ingestReadings', () => {
  it('stores a batch, builds 1-minute rollups and the latest state in one statement', async () => {
    const target = await device();
    const batch = [
      row('temperature', '2026-11-23T10:00:05Z', 4),
      row('temperature', '2026-11-23T10:00:35Z', 6),
      row('temperature', '2026-11-23T10:01:05Z', 5),
      row('humidity', '2026-11-23T10:00:05Z', 50),
    ];
    expect(await ingestReadings(tdb.handle.db, target, batch)).toEqual({
      status: 'stored',
      evaluate: false,
      commandsWaiting: false,
      facilityId: null,
      accepted: 4,
      duplicates: 0,
    });
    const rollups = await tdb.handle.db
      .select()
      .from(rollups1m)
      .where(and(eq(rollups1m.deviceId, target.deviceId), eq(rollups1m.metric, 'temperature')))
      .orderBy(asc(rollups1m.bucket));
    expect(rollups.map((r) => [r.bucket.toISOString(), r.count, r.min, r.max, r.sum])).toEqual([
      ['2026-11-23T10:00:00.000Z', 2, 4, 6, 10],
      ['2026-11-23T10:01:00.000Z', 1, 5, 5, 5],
    ]);
    // Time-weighted: each reading until the next (30 s), the newest one interval (60 s).
    expect(rollups.map((r) => r.heldMs)).toEqual([60_000, 60_000]);
    const r0 = rollups[0]!;
    const mkt = mktFromParts({
      heldMs: r0.heldMs,
      max: r0.arrheniusMax,
      weighted: r0.arrheniusHeld,
    });
    const want = mktFromParts(combineMktParts(mktPartsOf(4, 30_000), mktPartsOf(6, 30_000)));
    expect(mkt).toBeCloseTo(want!, 9);
    const latest = await tdb.handle.db
      .select()
      .from(deviceLatest)
      .where(eq(deviceLatest.deviceId, target.deviceId));
    expect(
      Object.fromEntries(latest.map((l) => [l.metric, [l.ts.toISOString(), l.value]])),
    ).toEqual({
      temperature: ['2026-11-23T10:01:05.000Z', 5],
      humidity: ['2026-11-23T10:00:05.000Z', 50],
    });
    const [dev] = await tdb.handle.db.select().from(devices).where(eq(devices.id, target.deviceId));
    expect(dev?.lastSeenAt).toBeInstanceOf(Date);
  });

  it('is idempotent: a retry is all duplicates and changes no rollup', async () => {
    const target = await device();
    const batch = [
      row('temperature', '2026-11-23T10:00:05Z', 4),
      row('temperature', '2026-11-23T10:00:06Z', 8),
    ];
    await ingestReadings(tdb.handle.db, target, batch);
    expect(await ingestReadings(tdb.handle.db, target, batch)).toEqual({
      status: 'stored',
      evaluate: false,
      commandsWaiting: false,
      facilityId: null,
      accepted: 0,
      duplicates: 2,
    });
    // Same identity inside one batch counts once.
    expect(
      await ingestReadings(tdb.handle.db, target, [
        row('door', '2026-11-23T10:00:00Z', 1),
        row('door', '2026-11-23T10:00:00Z', 0),
      ]),
    ).toEqual({
      status: 'stored',
      evaluate: false,
      commandsWaiting: false,
      facilityId: null,
      accepted: 1,
      duplicates: 1,
    });
    const [r] = await tdb.handle.db
      .select()
      .from(rollups1m)
      .where(and(eq(rollups1m.deviceId, target.deviceId), eq(rollups1m.metric, 'temperature')));
    expect([r?.count, r?.sum]).toEqual([2, 12]);
  });

  it('places a late backfill where it belongs without moving the latest state back', async () => {
    const target = await device();
    await ingestReadings(tdb.handle.db, target, [row('temperature', '2026-11-23T10:05:00Z', 5)]);
    await ingestReadings(tdb.handle.db, target, [
      row('temperature', '2026-11-23T09:00:00Z', 9),
      row('temperature', '2025-12-01T00:00:00Z', 3),
    ]);
    const [latest] = await tdb.handle.db
      .select()
      .from(deviceLatest)
      .where(eq(deviceLatest.deviceId, target.deviceId));
    expect([latest?.ts.toISOString(), latest?.value]).toEqual(['2026-11-23T10:05:00.000Z', 5]);
    const stored = await tdb.handle.db
      .select({ ts: readings.ts })
      .from(readings)
      .where(eq(readings.deviceId, target.deviceId))
      .orderBy(asc(readings.ts));
    expect(stored.map((s) => s.ts.toISOString())).toEqual([
      '2025-12-01T00:00:00.000Z',
      '2026-11-23T09:00:00.000Z',
      '2026-11-23T10:05:00.000Z',
    ]);
  });

  it('lands readings in monthly partitions, with a default partition as the safety net', async () => {
    const target = await device();
    // This month's partition exists whenever the migrations ran (they cover -13 … +3 months).
    const now = new Date();
    const month = `${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    await ingestReadings(tdb.handle.db, target, [
      { metric: 'temperature', ts: now.getTime(), value: 5, seq: null },
      row('temperature', '2099-01-01T00:00:00Z', 5),
    ]);
    const placed = await tdb.handle.db.execute<{ part: string }>(
      sql`select tableoid::regclass::text as part from readings where device_id = ${target.deviceId} order by ts`,
    );
    expect(placed.rows.map((p) => p.part)).toEqual([`readings_${month}`, 'readings_default']);
  });

  it("refuses rows for another tenant's device and writes nothing", async () => {
    const a = await device();
    const b = await device();
    expect(
      await ingestReadings(tdb.handle.db, { tenantId: b.tenantId, deviceId: a.deviceId }, [
        row('temperature', '2026-11-23T10:00:00Z', 5),
      ]),
    ).toEqual({ status: 'refused', reason: 'unknown' });
    // Beneath the statement's guard, the composite key refuses such a row outright.
    await expect(
      tdb.handle.db.insert(readings).values({
        tenantId: b.tenantId,
        deviceId: a.deviceId,
        metric: 'temperature',
        ts: new Date(),
        value: 5,
      }),
    ).rejects.toThrow();
    const count = await tdb.handle.db
      .select()
      .from(readings)
      .where(eq(readings.deviceId, a.deviceId));
    expect(count).toEqual([]);
  });
});

/** The sealed secrets ingest would accept for the device right now. */
const sealed = async (deviceId: string) =>
  (await findDeviceAuth(tdb.handle.db, deviceId))?.credentials.map((c) => c.sealedSecret);

describe('device credentials', () => {
  it('rotation keeps the old secret in grace; revocation ends every secret at once', async () => {
    const { tenantId, deviceId } = await device();
    const repo = deviceRepo(tdb.handle.db, tenantId);
    expect(await sealed(deviceId)).toEqual(['v1.sealed.a']);
    expect(await repo.rotateSecret(deviceId, 'v1.sealed.b', 1, 3600, meta)).toBe(true);
    expect((await sealed(deviceId))?.sort()).toEqual(['v1.sealed.a', 'v1.sealed.b']);
    // A zero grace retires the previous secrets immediately.
    expect(await repo.rotateSecret(deviceId, 'v1.sealed.c', 1, 0, meta)).toBe(true);
    expect(await sealed(deviceId)).toEqual(['v1.sealed.c']);
    expect(await repo.revoke(deviceId, meta)).toMatchObject({ id: deviceId, status: 'revoked' });
    expect(await repo.revoke(deviceId, meta)).toBe('already_revoked');
    expect(await findDeviceAuth(tdb.handle.db, deviceId)).toMatchObject({
      status: 'revoked',
      credentials: [],
    });
  });

  it('another tenant cannot rotate or revoke the device', async () => {
    const a = await device();
    const b = await device();
    expect(
      await deviceRepo(tdb.handle.db, b.tenantId).rotateSecret(a.deviceId, 'x', 1, 0, meta),
    ).toBe(false);
    expect(await deviceRepo(tdb.handle.db, b.tenantId).revoke(a.deviceId, meta)).toBeUndefined();
    expect(await sealed(a.deviceId)).toEqual(['v1.sealed.a']);
  });
});
