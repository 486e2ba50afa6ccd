import { newId, type ReadingRow } from '@anythingiot/core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deviceCredentials,
  deviceLatest,
  deviceSeqCursors,
  devices,
  readings,
  rollups1m,
} from '../schema/index.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { deviceRepo, findDeviceAuth } from './devices.js';
import { ingestReadings } from './readings.js';
import { createTenant } from './tenants.js';

const system = { type: 'system' as const, id: 'test' };
const meta = { actor: system, requestId: null };
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase('db_readings_guard');
});
afterAll(() => tdb?.drop());

async function device() {
  const tenant = await createTenant(tdb.handle.db, { name: 'T', slug: newId('request') }, system);
  const repo = deviceRepo(tdb.handle.db, tenant.id);
  const dev = await repo.create({ name: 'Fridge' }, 'v1.sealed.a', 1, meta);
  const auth = await findDeviceAuth(tdb.handle.db, dev.id);
  const credential = auth?.credentials[0];
  if (!credential) throw new Error('no credential');
  return {
    target: { tenantId: tenant.id, deviceId: dev.id },
    repo,
    guard: { credentialId: credential.id, sealedSecret: credential.sealedSecret },
  };
}

const batch = (seq: number | null = null): ReadingRow[] => [
  { metric: 'temperature', ts: Date.parse('2026-11-23T10:00:05Z'), value: 4, seq },
  { metric: 'humidity', ts: Date.parse('2026-11-23T10:00:05Z'), value: 50, seq },
];

/** Everything a stored post would have touched for this device. */
async function footprint(deviceId: string) {
  const db = tdb.handle.db;
  const count = async (t: typeof readings | typeof rollups1m | typeof deviceLatest) =>
    (await db.select().from(t).where(eq(t.deviceId, deviceId))).length;
  const [dev] = await db.select().from(devices).where(eq(devices.id, deviceId));
  const cursors = await db
    .select()
    .from(deviceSeqCursors)
    .where(eq(deviceSeqCursors.deviceId, deviceId));
  return {
    readings: await count(readings),
    rollups: await count(rollups1m),
    latest: await count(deviceLatest),
    cursors: cursors.length,
    lastSeen: dev?.lastSeenAt ?? null,
  };
}
const untouched = { readings: 0, rollups: 0, latest: 0, cursors: 0, lastSeen: null };

describe('the guarded ingest statement', () => {
  it('stores when the verifying credential is still valid', async () => {
    const d = await device();
    expect(await ingestReadings(tdb.handle.db, d.target, batch(1), d.guard)).toMatchObject({
      status: 'stored',
      evaluate: false,
      accepted: 2,
    });
    expect(await footprint(d.target.deviceId)).toMatchObject({ readings: 2, cursors: 1 });
  });

  it('refuses a revoked device and writes nothing', async () => {
    const d = await device();
    await d.repo.revoke(d.target.deviceId, meta);
    expect(await ingestReadings(tdb.handle.db, d.target, batch(1), d.guard)).toEqual({
      status: 'refused',
      reason: 'revoked',
    });
    expect(await footprint(d.target.deviceId)).toEqual(untouched);
  });

  it('refuses a credential revoked on its own, even with the device still active', async () => {
    const d = await device();
    await tdb.handle.db
      .update(deviceCredentials)
      .set({ revokedAt: new Date() })
      .where(eq(deviceCredentials.id, d.guard.credentialId));
    expect(await ingestReadings(tdb.handle.db, d.target, batch(), d.guard)).toEqual({
      status: 'refused',
      reason: 'revoked',
    });
    expect(await footprint(d.target.deviceId)).toEqual(untouched);
  });

  it('refuses a credential whose rotation grace has ended', async () => {
    const d = await device();
    await d.repo.rotateSecret(d.target.deviceId, 'v1.sealed.b', 1, 0, meta);
    expect(await ingestReadings(tdb.handle.db, d.target, batch(), d.guard)).toEqual({
      status: 'refused',
      reason: 'expired',
    });
    expect(await footprint(d.target.deviceId)).toEqual(untouched);
  });

  it('refuses a credential that is gone or does not match what verified', async () => {
    const d = await device();
    const forged = { ...d.guard, sealedSecret: 'v1.sealed.forged' };
    expect(await ingestReadings(tdb.handle.db, d.target, batch(), forged)).toEqual({
      status: 'refused',
      reason: 'unknown',
    });
    await tdb.handle.db
      .delete(deviceCredentials)
      .where(eq(deviceCredentials.id, d.guard.credentialId));
    expect(await ingestReadings(tdb.handle.db, d.target, batch(), d.guard)).toEqual({
      status: 'refused',
      reason: 'unknown',
    });
    expect(await footprint(d.target.deviceId)).toEqual(untouched);
  });
});
