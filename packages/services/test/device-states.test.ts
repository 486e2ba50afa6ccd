import { newId } from '@anythingiot/core';
import { ingestReadings, insertAlert, schema } from '@anythingiot/db';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevice, getDevice, listDeviceStates, revokeDevice } from '../src/index.js';
import { memberCtx, seedTenant } from './fixtures.js';

let db: TestDatabase;
let w: Awaited<ReturnType<typeof seedWorld>>;
const SYSTEM = { actor: { type: 'system' as const, id: 'test' }, requestId: null };

async function seedWorld() {
  const { tenantId, facilities } = await seedTenant(db, ['Berlin', 'Chicago']);
  const [facA, facB] = facilities as [(typeof facilities)[0], (typeof facilities)[0]];
  const admin = (await memberCtx(db, tenantId, null)).ctx;
  const device = async (name: string, facilityId: string | null, tags: string[] = []) =>
    (await createDevice({ ctx: admin, input: { name, facilityId, tags } })).device;
  const reporting = await device('Fridge 1', facA.id, ['vaccines']);
  const silent = await device('Fridge 2', facA.id);
  const fresh = await device('Freezer 100%_off', facA.id);
  const revoked = await device('Old logger', facA.id);
  const other = await device('Fridge B', facB.id, ['vaccines']);
  const now = Date.now();
  await ingestReadings(db.handle.db, { tenantId, deviceId: reporting.id }, [
    { metric: 'temperature', ts: now - 120_000, value: 4.1, seq: null },
    { metric: 'temperature', ts: now - 60_000, value: 5.2, seq: null },
    { metric: 'humidity', ts: now - 60_000, value: 61, seq: null },
    { metric: 'door', ts: now - 60_000, value: 0, seq: null },
  ]);
  await ingestReadings(db.handle.db, { tenantId, deviceId: silent.id }, [
    { metric: 'temperature', ts: now - 3_600_000, value: 7, seq: null },
  ]);
  await ingestReadings(db.handle.db, { tenantId, deviceId: other.id }, [
    { metric: 'temperature', ts: now - 60_000, value: -18, seq: null },
  ]);
  // The sweep's judgement: an ongoing offline alert.
  await db.handle.db.transaction((tx) =>
    insertAlert(
      tx,
      tenantId,
      {
        id: newId('alert'),
        deviceId: silent.id,
        facilityId: facA.id,
        kind: 'offline',
        ruleId: null,
        excursionId: null,
        metric: null,
        severity: 'warning',
        title: 'Fridge 2 is offline',
        startedAt: new Date(now - 3_600_000),
        endedAt: null,
        alertAt: new Date(now - 3_400_000),
        retrospective: false,
        dataGap: false,
        peak: null,
      },
      SYSTEM,
    ),
  );
  await revokeDevice({ ctx: admin, input: { id: revoked.id } });
  return { tenantId, facA, facB, admin, reporting, silent, fresh, revoked, other };
}

beforeAll(async () => {
  db = await createTestDatabase('services_device_states');
  w = await seedWorld();
});
afterAll(() => db?.drop());

describe('listDeviceStates', () => {
  it('gives each device its newest value per metric and its connectivity', async () => {
    const { items } = await listDeviceStates({
      ctx: w.admin,
      input: { facilityId: w.facA.id, limit: 50 },
    });
    const byName = Object.fromEntries(items.map((s) => [s.device.name, s]));
    expect(Object.keys(byName).sort()).toEqual(
      ['Fridge 1', 'Fridge 2', 'Freezer 100%_off', 'Old logger'].sort(),
    );
    expect(byName['Fridge 1']!.connectivity).toBe('online');
    expect(byName['Fridge 1']!.latest.temperature?.value).toBe(5.2);
    expect(byName['Fridge 1']!.latest.humidity?.value).toBe(61);
    expect(byName['Fridge 1']!.latest.door?.value).toBe(0);
    expect(byName['Fridge 2']!.connectivity).toBe('offline');
    expect(byName['Fridge 2']!.latest.temperature?.value).toBe(7);
    expect(byName['Freezer 100%_off']!.connectivity).toBe('never_reported');
    expect(byName['Freezer 100%_off']!.latest).toEqual({});
    expect(byName['Old logger']!.connectivity).toBe('revoked');
  });

  it('searches names case-insensitively, taking % and _ literally', async () => {
    const names = async (nameContains: string) =>
      (await listDeviceStates({ ctx: w.admin, input: { nameContains, limit: 50 } })).items
        .map((s) => s.device.name)
        .sort();
    expect(await names('fridge')).toEqual(['Fridge 1', 'Fridge 2', 'Fridge B']);
    expect(await names('100%_')).toEqual(['Freezer 100%_off']);
    expect(await names('%')).toEqual(['Freezer 100%_off']);
    expect(await names('_')).toEqual(['Freezer 100%_off']);
  });

  it('filters by tag and status like listDevices', async () => {
    const { items } = await listDeviceStates({
      ctx: w.admin,
      input: { tag: 'vaccines', status: 'active', limit: 50 },
    });
    expect(items.map((s) => s.device.name).sort()).toEqual(['Fridge 1', 'Fridge B']);
  });

  it.each([
    ['online', ['Fridge 1', 'Fridge B']],
    ['offline', ['Fridge 2']],
    ['never_reported', ['Freezer 100%_off']],
    ['revoked', ['Old logger']],
  ] as const)('filters by connectivity %s, agreeing with what each item says', async (c, names) => {
    const { items } = await listDeviceStates({
      ctx: w.admin,
      input: { connectivity: c, limit: 50 },
    });
    expect(items.map((s) => s.device.name).sort()).toEqual([...names].sort());
    expect(items.every((s) => s.connectivity === c)).toBe(true);
  });

  it("shows a member limited to a facility nothing of another facility's devices", async () => {
    const { ctx } = await memberCtx(db, w.tenantId, [w.facA.id]);
    const all = await listDeviceStates({ ctx, input: { limit: 50 } });
    expect(all.items.map((s) => s.device.id)).not.toContain(w.other.id);
    const asked = await listDeviceStates({ ctx, input: { facilityId: w.facB.id, limit: 50 } });
    expect(asked.items).toEqual([]);
  });

  it('pages with a cursor, values staying with their devices', async () => {
    const first = await listDeviceStates({ ctx: w.admin, input: { limit: 2 } });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const rest = await listDeviceStates({
      ctx: w.admin,
      input: { limit: 50, cursor: first.nextCursor! },
    });
    const reporting = [...first.items, ...rest.items].find((s) => s.device.id === w.reporting.id);
    expect(reporting?.latest.temperature?.value).toBe(5.2);
    expect(first.items.length + rest.items.length).toBe(5);
  });
});

describe('connectivity before the sweep catches up', () => {
  // A device that went quiet ten minutes ago, reporting every minute: past 3 × 60 s but no
  // offline alert yet (the sweep has not run). Every view must already call it offline.
  async function quietWorld() {
    const { tenantId, facilities } = await seedTenant(db, ['Lab']);
    const lab = facilities[0]!;
    const admin = (await memberCtx(db, tenantId, null)).ctx;
    const { device } = await createDevice({
      ctx: admin,
      input: { name: 'Quiet fridge', facilityId: lab.id, expectedIntervalSeconds: 60 },
    });
    await db.handle.db
      .update(schema.devices)
      .set({ lastSeenAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(schema.devices.id, device.id));
    const withFactor = (offlineFactor: number) => ({
      ...admin,
      ports: { ...admin.ports, offlineFactor },
    });
    return { device, lab, withFactor };
  }

  it.each([
    [3, 'offline'],
    [20, 'online'],
  ] as const)(
    'with factor %d: the badge, the filter and the device page say %s',
    async (factor, state) => {
      const { device, lab, withFactor } = await quietWorld();
      const ctx = withFactor(factor);
      const { items } = await listDeviceStates({ ctx, input: { facilityId: lab.id, limit: 10 } });
      expect(items.map((s) => s.connectivity)).toEqual([state]);
      for (const c of ['online', 'offline'] as const) {
        const filtered = await listDeviceStates({
          ctx,
          input: { facilityId: lab.id, connectivity: c, limit: 10 },
        });
        expect(filtered.items.map((s) => s.device.id)).toEqual(c === state ? [device.id] : []);
      }
      expect((await getDevice({ ctx, input: { id: device.id } })).connectivity).toBe(state);
    },
  );

  it('the device page agrees with the list for every kind of device', async () => {
    const { items } = await listDeviceStates({ ctx: w.admin, input: { limit: 50 } });
    for (const s of items) {
      const detail = await getDevice({ ctx: w.admin, input: { id: s.device.id } });
      expect(detail.connectivity, s.device.name).toBe(s.connectivity);
    }
  });
});
