import { CONNECTIVITIES, type Connectivity, deviceConnectivity, newId } from '@anythingiot/core';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, devices } from '../schema/index.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { insertAlert } from './alerts.js';
import { type ConnectivityClock, connectivityOf } from './connectivity.js';
import { deviceRepo } from './devices.js';
import { facilityRepo } from './facilities.js';
import { overviewRepo } from './overview.js';
import { createTenant } from './tenants.js';

// core's deviceConnectivity decides every badge; connectivityOf states the same rule in SQL for
// the list's status filter and the overview's counts. Both are judged here on the same rows
// and the same clocks — each device's exact limit and a millisecond either side, fractional
// factors, every alert state — and must agree on every device.

const system = { type: 'system' as const, id: 'test' };
const meta = { actor: system, requestId: null };
const T0 = Date.parse('2026-11-23T10:00:00Z');
const DEVICES = 120;

type AlertState = 'none' | 'open' | 'acknowledged' | 'ended' | 'resolved' | 'excursion';
type Fixture = {
  revoked: boolean;
  /** ms before T0 (negative: a clock ahead of ours); null: never reported. */
  silentMs: number | null;
  expectedIntervalSeconds: number;
  alert: AlertState;
  facility: 0 | 1;
};

const fixture = fc.record<Fixture>({
  revoked: fc.boolean(),
  silentMs: fc.option(fc.integer({ min: -5_000, max: 3 * 86_400_000 }), {
    nil: null,
    freq: 8,
  }),
  expectedIntervalSeconds: fc.oneof(
    fc.constantFrom(1, 7, 60, 300, 3_600),
    fc.integer({ min: 1, max: 86_400 }),
  ),
  alert: fc.constantFrom<AlertState>(
    'none',
    'none',
    'none',
    'open',
    'acknowledged',
    'ended',
    'resolved',
    'excursion',
  ),
  facility: fc.constantFrom<0 | 1>(0, 1),
});

let tdb: TestDatabase;
let tenantId: string;
let facilityIds: [string, string];
/** Each device as read back, as core is given it. */
let rows: {
  id: string;
  facilityId: string;
  revoked: boolean;
  lastSeenAt: number | null;
  expectedIntervalSeconds: number;
  offlineAlertOpen: boolean;
}[];

beforeAll(async () => {
  tdb = await createTestDatabase('db_connectivity');
  const db = tdb.handle.db;
  const tenant = await createTenant(db, { name: 'T', slug: newId('request') }, system);
  tenantId = tenant.id;
  const facilities = facilityRepo(db, tenantId);
  facilityIds = [
    (await facilities.create({ name: 'Cold room' }, meta)).id,
    (await facilities.create({ name: 'Freezer hall' }, meta)).id,
  ];
  const fixtures = fc.sample(fixture, { numRuns: DEVICES, seed: 20261123 });
  // The hand-picked corners come first, whatever the sample holds.
  fixtures.unshift(
    { revoked: false, silentMs: null, expectedIntervalSeconds: 60, alert: 'none', facility: 0 },
    { revoked: false, silentMs: null, expectedIntervalSeconds: 60, alert: 'open', facility: 0 },
    { revoked: true, silentMs: 10, expectedIntervalSeconds: 60, alert: 'open', facility: 0 },
    { revoked: false, silentMs: 1, expectedIntervalSeconds: 60, alert: 'open', facility: 1 },
    {
      revoked: false,
      silentMs: 180_001,
      expectedIntervalSeconds: 60,
      alert: 'none',
      facility: 1,
    },
    {
      revoked: false,
      silentMs: 179_999,
      expectedIntervalSeconds: 60,
      alert: 'none',
      facility: 1,
    },
  );
  const fixtureOf = new Map<string, Fixture>();
  for (const [i, f] of fixtures.entries()) {
    const id = newId('device');
    fixtureOf.set(id, f);
    await db.insert(devices).values({
      id,
      tenantId,
      facilityId: facilityIds[f.facility],
      name: `Device ${i}`,
      status: f.revoked ? 'revoked' : 'active',
      expectedIntervalSeconds: f.expectedIntervalSeconds,
      lastSeenAt: f.silentMs === null ? null : new Date(T0 - f.silentMs),
    });
    if (f.alert !== 'none') {
      const alertId = newId('alert');
      await db.transaction((tx) =>
        insertAlert(
          tx,
          tenantId,
          {
            id: alertId,
            deviceId: id,
            facilityId: facilityIds[f.facility],
            kind: f.alert === 'excursion' ? 'excursion' : 'offline',
            ruleId: null,
            excursionId: null,
            metric: f.alert === 'excursion' ? 'temperature' : null,
            severity: 'warning',
            title: 'fixture',
            startedAt: new Date(T0 - 3_600_000),
            endedAt: f.alert === 'ended' ? new Date(T0 - 60_000) : null,
            alertAt: new Date(T0 - 3_000_000),
            retrospective: false,
            dataGap: false,
            peak: null,
          },
          meta,
        ),
      );
      if (f.alert === 'acknowledged' || f.alert === 'resolved') {
        await db.update(alerts).set({ status: f.alert }).where(eq(alerts.id, alertId));
      }
    }
  }
  const stored = await db.select().from(devices).where(eq(devices.tenantId, tenantId));
  // Open means unresolved and not ended, acknowledged or not; an excursion is no offline alert.
  const alerted = new Set(
    [...fixtureOf]
      .filter(([, f]) => f.alert === 'open' || f.alert === 'acknowledged')
      .map(([id]) => id),
  );
  rows = stored.map((d) => ({
    id: d.id,
    facilityId: d.facilityId!,
    revoked: d.status === 'revoked',
    lastSeenAt: d.lastSeenAt?.getTime() ?? null,
    expectedIntervalSeconds: d.expectedIntervalSeconds,
    offlineAlertOpen: alerted.has(d.id),
  }));
});
afterAll(() => tdb?.drop());

const pure = (clock: ConnectivityClock) =>
  new Map(rows.map((r) => [r.id, deviceConnectivity({ ...r, ...clock })]));

async function inSql(clock: ConnectivityClock): Promise<Map<string, Connectivity>> {
  const found = await tdb.handle.db
    .select({ id: devices.id, state: connectivityOf(clock) })
    .from(devices)
    .where(eq(devices.tenantId, tenantId));
  return new Map(found.map((r) => [r.id, r.state]));
}

/** Clocks that matter: each device's exact limit and a millisecond either side. */
function boundaryClocks(offlineFactor: number): ConnectivityClock[] {
  return rows.flatMap((r) => {
    if (r.lastSeenAt === null) return [];
    const limit = r.lastSeenAt + r.expectedIntervalSeconds * offlineFactor * 1_000;
    return [-1, 0, 1].map((d) => ({ now: Math.floor(limit) + d, offlineFactor }));
  });
}

describe('connectivityOf (SQL) and deviceConnectivity (core)', () => {
  it('the fixtures cover every state, and the alert rule and the silence rule', () => {
    const states = new Set(pure({ now: T0, offlineFactor: 3 }).values());
    expect([...states].sort()).toEqual([...CONNECTIVITIES].sort());
    expect(rows.some((r) => r.offlineAlertOpen && !r.revoked)).toBe(true);
    expect(rows.some((r) => !r.offlineAlertOpen && r.lastSeenAt !== null && !r.revoked)).toBe(true);
  });

  it.each([1, 3, 2.5, 1.1, 7.3])(
    'agree on every device at every boundary, factor %s',
    async (f) => {
      const clocks = boundaryClocks(f);
      // Every boundary of a few devices, plus a spread of others: one statement per clock.
      for (const clock of clocks.filter((_, i) => i % 7 < 3 || i < 18)) {
        expect(await inSql(clock), `now=${clock.now} factor=${f}`).toEqual(pure(clock));
      }
    },
  );

  it('agree at arbitrary clocks and factors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: T0 - 60_000, max: T0 + 4 * 86_400_000 }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        async (now, offlineFactor) => {
          const clock = { now, offlineFactor };
          expect(await inSql(clock)).toEqual(pure(clock));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the status filter lists exactly the devices whose badge says that state', async () => {
    const repo = deviceRepo(tdb.handle.db, tenantId);
    for (const clock of [{ now: T0, offlineFactor: 3 }, ...boundaryClocks(3).slice(0, 6)]) {
      const expected = pure(clock);
      for (const is of CONNECTIVITIES) {
        const listed = await repo.list({ connectivity: { is, clock } }, { limit: DEVICES + 10 });
        const want = [...expected].filter(([, s]) => s === is).map(([id]) => id);
        expect(listed.map((d) => d.id).sort(), `${is} at ${clock.now}`).toEqual(want.sort());
      }
    }
  });

  it("the overview's counts are the badges counted, per facility", async () => {
    for (const clock of [{ now: T0, offlineFactor: 3 }, ...boundaryClocks(2.5).slice(0, 6)]) {
      const expected = pure(clock);
      const summaries = await overviewRepo(tdb.handle.db, tenantId).devicesByFacility(clock);
      for (const facilityId of facilityIds) {
        const count = (s: Connectivity) =>
          rows.filter((r) => r.facilityId === facilityId && expected.get(r.id) === s).length;
        expect(summaries.find((s) => s.facilityId === facilityId)).toMatchObject({
          online: count('online'),
          offline: count('offline'),
          neverReported: count('never_reported'),
        });
      }
    }
  });

  it('openOfflineAlertsAmong finds exactly the open offline alerts', async () => {
    const found = await deviceRepo(tdb.handle.db, tenantId).openOfflineAlertsAmong(
      rows.map((r) => r.id),
    );
    expect([...found].sort()).toEqual(
      rows
        .filter((r) => r.offlineAlertOpen)
        .map((r) => r.id)
        .sort(),
    );
  });

  it('refuses a factor below 1, as core does', () => {
    expect(() => connectivityOf({ now: T0, offlineFactor: 0.5 })).toThrow(RangeError);
  });
});
