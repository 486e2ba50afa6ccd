import { newId } from '@anythingiot/core';
import { insertAlert, type NewAlert, schema } from '@anythingiot/db';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acknowledge,
  createDevice,
  getOverview,
  getTenantPreferences,
  listDeviceStates,
} from '../src/index.js';
import { memberCtx, seedTenant } from './fixtures.js';

// The overview's aggregates against real rows: temperature range over the devices that are not
// offline, online/offline/never-reported counts, the worst unacknowledged severity per facility, and
// the facility scope of a limited member.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('services_overview');
});
afterAll(() => db?.drop());

const SYSTEM = { type: 'system' as const, id: 'test' };

async function seedWorld() {
  const { tenantId, facilities } = await seedTenant(db, ['Berlin', 'Chicago', 'Empty']);
  const [berlin, chicago, empty] = facilities as [
    (typeof facilities)[0],
    (typeof facilities)[0],
    (typeof facilities)[0],
  ];
  const admin = (await memberCtx(db, tenantId, null)).ctx;
  const device = async (name: string, facilityId: string | null, temperature?: number) => {
    const { device } = await createDevice({ ctx: admin, input: { name, facilityId } });
    if (temperature !== undefined) {
      const at = new Date();
      await db.handle.db
        .update(schema.devices)
        .set({ lastSeenAt: at })
        .where(eq(schema.devices.id, device.id));
      await db.handle.db.insert(schema.deviceLatest).values({
        tenantId,
        deviceId: device.id,
        metric: 'temperature',
        ts: at,
        value: temperature,
      });
    }
    return device;
  };
  const alert = async (
    dev: { id: string; facilityId: string | null },
    severity: NewAlert['severity'],
    kind: NewAlert['kind'] = 'excursion',
  ) => {
    const startedAt = new Date(Date.now() - 20 * 60_000);
    const row = await db.handle.db.transaction((tx) =>
      insertAlert(
        tx,
        tenantId,
        {
          id: newId('alert'),
          deviceId: dev.id,
          facilityId: dev.facilityId,
          kind,
          ruleId: null,
          excursionId: null,
          metric: kind === 'offline' ? null : 'temperature',
          severity,
          title: `${severity} ${kind}`,
          startedAt,
          endedAt: null,
          alertAt: startedAt,
          retrospective: false,
          dataGap: false,
          peak: null,
        },
        { actor: SYSTEM, requestId: null },
      ),
    );
    if (!row) throw new Error('not inserted');
    return row;
  };
  const b1 = await device('Berlin 1', berlin.id, 3.5);
  const b2 = await device('Berlin 2', berlin.id, 7.25);
  const b3 = await device('Berlin 3 (silent)', berlin.id, -40); // offline: its value is not current
  await device('Berlin 4 (new)', berlin.id);
  const c1 = await device('Chicago 1', chicago.id, 20);
  const loose = await device('Spare logger', null, 5);
  const warning = await alert(b1, 'warning');
  const critical = await alert(b2, 'critical');
  const offline = await alert(b3, 'warning', 'offline');
  const chicagoWarning = await alert(c1, 'warning');
  await acknowledge({ ctx: admin, input: { id: chicagoWarning.id, comment: 'on it' } });
  const looseInfo = await alert(loose, 'info');
  return {
    tenantId,
    admin,
    berlin,
    chicago,
    empty,
    alerts: { warning, critical, offline, chicagoWarning, looseInfo },
  };
}

describe('getOverview', () => {
  it('aggregates each facility: temperature range, device states, worst active alert', async () => {
    const w = await seedWorld();
    const o = await getOverview({ ctx: w.admin, input: { alertLimit: 10 } });
    expect(o.temperatureUnit).toBe('C');
    expect(o.tiles.map((t) => t.facility?.name ?? null)).toEqual([
      'Berlin',
      'Chicago',
      'Empty',
      null,
    ]);
    const [berlin, chicago, empty, none] = o.tiles;
    expect(berlin).toMatchObject({
      devices: {
        online: 2,
        offline: 1,
        neverReported: 1,
        minTemperature: 3.5,
        maxTemperature: 7.25,
      },
      worstActiveSeverity: 'critical',
      activeAlerts: 3,
      acknowledgedAlerts: 0,
    });
    // Acknowledged: someone is on it, so the tile is not coloured by it, but it is counted.
    expect(chicago).toMatchObject({
      devices: { online: 1, offline: 0, neverReported: 0, minTemperature: 20, maxTemperature: 20 },
      worstActiveSeverity: null,
      activeAlerts: 0,
      acknowledgedAlerts: 1,
    });
    expect(empty).toMatchObject({
      devices: {
        online: 0,
        offline: 0,
        neverReported: 0,
        minTemperature: null,
        maxTemperature: null,
      },
      worstActiveSeverity: null,
    });
    expect(none).toMatchObject({ worstActiveSeverity: 'info', devices: { online: 1 } });
    // Newest first, unacknowledged only.
    expect(o.activeAlerts.map((a) => a.id)).toEqual([
      w.alerts.looseInfo.id,
      w.alerts.offline.id,
      w.alerts.critical.id,
      w.alerts.warning.id,
    ]);
    expect(o.moreActiveAlerts).toBe(false);
    const short = await getOverview({ ctx: w.admin, input: { alertLimit: 2 } });
    expect(short.activeAlerts).toHaveLength(2);
    expect(short.moreActiveAlerts).toBe(true);
  });

  it('counts a device silent beyond interval × factor as offline before any sweep ran', async () => {
    const w = await seedWorld();
    const { device } = await createDevice({
      ctx: w.admin,
      input: { name: 'Berlin 5 (quiet)', facilityId: w.berlin.id, expectedIntervalSeconds: 60 },
    });
    // Ten minutes without data, no offline alert yet: past 3 × 60 s, within 20 × 60 s.
    const at = new Date(Date.now() - 10 * 60_000);
    await db.handle.db
      .update(schema.devices)
      .set({ lastSeenAt: at })
      .where(eq(schema.devices.id, device.id));
    await db.handle.db.insert(schema.deviceLatest).values({
      tenantId: w.tenantId,
      deviceId: device.id,
      metric: 'temperature',
      ts: at,
      value: 30,
    });
    const tile = async (offlineFactor: number) => {
      const ctx = { ...w.admin, ports: { ...w.admin.ports, offlineFactor } };
      const o = await getOverview({ ctx, input: { alertLimit: 0 } });
      return o.tiles.find((t) => t.facility?.id === w.berlin.id)!.devices;
    };
    // Its stale 30 °C is left out of the range like the alerted device's.
    expect(await tile(3)).toMatchObject({ online: 2, offline: 2, maxTemperature: 7.25 });
    expect(await tile(20)).toMatchObject({ online: 3, offline: 1, maxTemperature: 30 });
  });

  it('counts exactly the badges the facility page shows', async () => {
    const w = await seedWorld();
    const o = await getOverview({ ctx: w.admin, input: { alertLimit: 0 } });
    for (const facility of [w.berlin, w.chicago, w.empty]) {
      const { items } = await listDeviceStates({
        ctx: w.admin,
        input: { facilityId: facility.id, status: 'active', limit: 100 },
      });
      const count = (c: string) => items.filter((s) => s.connectivity === c).length;
      expect(o.tiles.find((t) => t.facility?.id === facility.id)?.devices).toMatchObject({
        online: count('online'),
        offline: count('offline'),
        neverReported: count('never_reported'),
      });
    }
  });

  it('shows a member limited to one facility that facility only', async () => {
    const w = await seedWorld();
    const { ctx } = await memberCtx(db, w.tenantId, [w.chicago.id]);
    const o = await getOverview({ ctx, input: { alertLimit: 10 } });
    expect(o.tiles.map((t) => t.facility?.id)).toEqual([w.chicago.id]);
    expect(o.activeAlerts).toEqual([]);
  });

  it('answers in the tenant’s unit and time zone', async () => {
    const w = await seedWorld();
    await db.handle.db
      .update(schema.tenants)
      .set({ temperatureUnit: 'F', timeZone: 'America/Chicago' })
      .where(eq(schema.tenants.id, w.tenantId));
    expect(await getTenantPreferences({ ctx: w.admin })).toEqual({
      temperatureUnit: 'F',
      timeZone: 'America/Chicago',
    });
    const o = await getOverview({ ctx: w.admin, input: { alertLimit: 1 } });
    expect(o).toMatchObject({ temperatureUnit: 'F', timeZone: 'America/Chicago' });
  });

  it("answers in the member's own unit when they chose one, the tenant's otherwise", async () => {
    const { tenantId } = await seedTenant(db, []);
    const userId = newId('user');
    await db.handle.db
      .insert(schema.users)
      .values({ id: userId, email: `${userId}@unit.test`, temperatureUnit: 'F' });
    const { ctx: chooser } = await memberCtx(db, tenantId, null, { type: 'user', id: userId });
    const { ctx: other } = await memberCtx(db, tenantId, null);
    const { ctx: key } = await memberCtx(db, tenantId, null, { type: 'apiKey', id: userId });
    expect((await getTenantPreferences({ ctx: chooser })).temperatureUnit).toBe('F');
    expect((await getTenantPreferences({ ctx: other })).temperatureUnit).toBe('C');
    // An API key whose id happened to equal a user's must not pick up that person's choice.
    expect((await getTenantPreferences({ ctx: key })).temperatureUnit).toBe('C');
    expect((await getOverview({ ctx: chooser, input: { alertLimit: 1 } })).temperatureUnit).toBe(
      'F',
    );
  });

  it('is empty for a new company', async () => {
    const { tenantId } = await seedTenant(db, []);
    const { ctx } = await memberCtx(db, tenantId, null);
    expect(await getOverview({ ctx, input: { alertLimit: 10 } })).toMatchObject({
      tiles: [],
      activeAlerts: [],
      moreActiveAlerts: false,
    });
  });
});
