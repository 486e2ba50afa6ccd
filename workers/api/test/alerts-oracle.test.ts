import { schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type OracleRunOptions,
  pharmaRule,
  postArrivals,
  postReadings,
  type Query,
  scenariosFor,
  scheduledChecks,
  scoreTenant,
  seedRule,
  seedTenantWithDevices,
} from '../bench/alerts-shared.js';
import { type ServedApp, serveApp, waitFor } from './notify-stack.js';

// The correctness run, small: seeded device series with excursions, dropouts, late and
// duplicated posts and backfills go through the real app (signed posts, Postgres, the QStash
// emulator delivering the due checks back over HTTP); the excursions and alerts stored per
// device are then held against findExcursions over each device's full series.
// `npm run bench:alerts -- --correctness` is the same at 10,000 device-hours.
let s: ServedApp;
beforeAll(async () => {
  s = await serveApp('api_alerts_oracle');
});
afterAll(() => s?.close());

/** Until the app has answered no QStash callback for a second. */
async function quiet() {
  for (let seen = -1; seen !== s.answered.length; ) {
    seen = s.answered.length;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

const RUN: Omit<OracleRunOptions, 'seed'> = {
  devices: 8,
  hours: 4,
  intervalSeconds: 60,
  ruleDurationSeconds: 900,
  maxBatch: 8,
  concurrency: 4,
  // Denser than the defaults so five hours hold enough of each kind of trouble.
  scenario: { excursionsPerHour: 4, dropoutsPerHour: 1.5, lateShare: 0.08, duplicateShare: 0.05 },
};

describe('alerts against the offline oracle, through the real app and Postgres', () => {
  it.each([1, 1_001, 2_001])(
    'seed %i: no excursion missed, duplicated or misplaced',
    async (seed) => {
      const o = { ...RUN, seed };
      const { tenantId, devices } = await seedTenantWithDevices(
        s.db.handle.db,
        s.db.env.SECRETS_KEYRING!,
        { count: o.devices, expectedIntervalSeconds: o.intervalSeconds },
      );
      const rule = pharmaRule(o.ruleDurationSeconds);
      await seedRule(s.db.handle.db, tenantId, rule);
      const runs = scenariosFor(devices, o);
      const send = async (path: string, init: RequestInit) => s.app.request(path, init);
      const tally = await postArrivals(send, runs, o.concurrency);
      expect(tally.refused).toEqual(new Map());

      // Event times are in the past, so every scheduled due check was due on arrival: wait
      // until the app has answered each one before reading what it stored.
      const query: Query = (text, params) => s.db.handle.db.$client.query(text, params);
      for (const id of await scheduledChecks(query, tenantId)) {
        expect((await s.answerTo(id)).status).toBe(200);
      }
      await quiet(); // superseded checks and escalation runs too
      const report = await scoreTenant(query, {
        tenantId,
        rule,
        runs,
        intervalSeconds: o.intervalSeconds,
        offlineAfterIntervals: s.deps.alerts.offlineFactor,
      });

      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({
        missed: 0,
        duplicated: 0,
        wrongBoundaries: 0,
        orphaned: 0,
        extras: { unexplained: 0, details: [] },
      });
      expect(report.storedReadings).toBe(report.readings);
      // Every alert is either on a qualifying excursion or an explained extra.
      expect(report.alerts).toBe(
        report.qualifying + report.extras.disqualified + report.extras.openTail,
      );
      // The scenarios exercised what the run is about.
      expect(report.qualifying).toBeGreaterThan(5);
      expect(report.retrospective).toBeGreaterThan(0);
      const kinds = new Set(runs.flatMap((r) => r.scenario.events.map((e) => e.kind)));
      expect(kinds).toEqual(new Set(['excursion', 'oscillation', 'dropout', 'backfill']));
    },
  );
});

describe('regressions found by the correctness run', () => {
  it('says "disqualified" on the timeline when late data both moves the start and shortens it', async () => {
    // Seen once in 10,000 device-hours: a due check raised on an open excursion whose earlier
    // readings were still in flight; the late batch moved its start one reading back and
    // closed it after 6 min. The alert stays (it was right on what was known) and must say why
    // it no longer qualifies.
    const { tenantId, devices } = await seedTenantWithDevices(
      s.db.handle.db,
      s.db.env.SECRETS_KEYRING!,
      { count: 1, expectedIntervalSeconds: 60 },
    );
    await seedRule(s.db.handle.db, tenantId, pharmaRule(900));
    const send = async (path: string, init: RequestInit) => s.app.request(path, init);
    const device = devices[0]!;
    const MIN = 60_000;
    const start = Math.floor(Date.now() / MIN) * MIN - 120 * MIN;
    expect((await postReadings(send, device, [{ ts: start, value: 9.5 }])).status).toBe(200);
    const alertsOf = () =>
      s.db.handle.db.select().from(schema.alerts).where(eq(schema.alerts.deviceId, device.id));
    const alert = await waitFor(async () => (await alertsOf())[0]); // the due check, at once
    const late = [
      { ts: start - MIN, value: 9.5 },
      { ts: start + 6 * MIN, value: 5 },
    ];
    expect((await postReadings(send, device, late)).status).toBe(200);

    const excursions = await s.db.handle.db
      .select()
      .from(schema.excursions)
      .where(eq(schema.excursions.deviceId, device.id));
    expect(excursions).toMatchObject([
      { startTs: new Date(start - MIN), endTs: new Date(start + 6 * MIN), alertAt: null },
    ]);
    expect(await alertsOf()).toHaveLength(1);
    const events = await s.db.handle.db
      .select()
      .from(schema.alertEvents)
      .where(eq(schema.alertEvents.alertId, alert.id));
    expect(events.find((e) => e.type === 'disqualified')?.detail).toEqual({
      start: new Date(start - MIN).toISOString(),
      end: new Date(start + 6 * MIN).toISOString(),
    });
  });
});
