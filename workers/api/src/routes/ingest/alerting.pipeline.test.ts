import { signDeviceRequest } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { alertsSweepJob } from '@anythingiot/services';
import { Client } from '@upstash/qstash';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDevice } from '../../../test/harness.js';
import { type ServedApp, serveApp } from '../../../test/notify-stack.js';
import { call, seedAlertRule, seedApiKey } from '../../../test/tenant-fixtures.js';

// The alert pipeline end to end: signed posts through the real app, rules judged in event
// time, checks and the sweep delivered back by the QStash emulator over HTTP.
let s: ServedApp;
const MIN = 60_000;
beforeAll(async () => {
  s = await serveApp('api_alerting');
});
afterAll(() => s?.close());

type Device = Awaited<ReturnType<typeof registerDevice>>;

async function newFridge(expectedIntervalSeconds = 60) {
  const d = await registerDevice(s.db, 'Vaccine fridge');
  await s.db.handle.db
    .update(schema.devices)
    .set({ expectedIntervalSeconds })
    .where(eq(schema.devices.id, d.deviceId));
  // The pharma preset: outside 2–8 °C for 15 min, deadband 0.5 °C.
  await seedAlertRule(s.db, d.tenantId);
  return d;
}

let clock = Date.now();
/** Posts readings as the device would; each post gets its own X-Timestamp (no replay). */
async function post(d: Device, readings: [ts: number, celsius: number][]) {
  const body = JSON.stringify({
    readings: readings.map(([ts, temperature]) => ({
      ts: new Date(ts).toISOString(),
      metrics: { temperature },
    })),
  });
  clock = Math.max(clock + 1, Date.now());
  const timestamp = String(clock);
  const res = await s.app.request('/v1/ingest', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-device-id': d.deviceId,
      'x-timestamp': timestamp,
      'x-signature': await signDeviceRequest(d.secret, body, timestamp),
    },
    body,
  });
  expect(res.status).toBe(200);
  return res.json();
}

const alertsOf = (deviceId: string) =>
  s.db.handle.db.select().from(schema.alerts).where(eq(schema.alerts.deviceId, deviceId));
const excursionsOf = (deviceId: string) =>
  s.db.handle.db.select().from(schema.excursions).where(eq(schema.excursions.deviceId, deviceId));

async function waitFor<T>(check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The scenario: 9 °C for 16 minutes under a 15-minute 2–8 °C rule, then back to 5 °C.
const t0 = Math.floor((Date.now() - 60 * MIN) / MIN) * MIN;
const scenario: [number, number][] = [
  ...Array.from({ length: 17 }, (_, i): [number, number] => [t0 + i * MIN, 9]),
  [t0 + 17 * MIN, 5],
];

describe('alerting in event time', () => {
  it('raises exactly one alert live, the moment the duration is reached, with its true start and end', async () => {
    // The scenario in real time, scaled down so the test runs in seconds: a 3 s rule, a reading
    // every 250 ms at 9 °C for 3.25 s, then 5 °C. The due check races the readings; either
    // way there must be exactly one alert, never before the duration, with the same facts.
    const d = await newFridge(1);
    const rule = await seedAlertRule(s.db, d.tenantId, {
      scope: { kind: 'device', deviceId: d.deviceId },
      durationSeconds: 3,
    });
    const start = Date.now();
    for (let i = 0; i <= 14; i++) {
      const at = start + i * 250;
      await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
      await post(d, [[at, i < 14 ? 9 : 5]]);
      const alerts = await alertsOf(d.deviceId);
      if (Date.now() < start + 3_000) expect(alerts, `reading ${i}`).toEqual([]);
      if (i >= 12) expect(alerts, `reading ${i}`).toHaveLength(1);
    }
    const [alert] = await alertsOf(d.deviceId);
    expect(alert).toMatchObject({
      kind: 'excursion',
      ruleId: rule.id,
      status: 'active', // cleared, but nobody acknowledged it yet
      startedAt: new Date(start),
      alertAt: new Date(start + 3_000),
      endedAt: new Date(start + 14 * 250),
      retrospective: false,
      dataGap: false,
      peak: 9,
      title: 'Vaccine fridge: temperature outside 2–8 °C for 3 s',
    });
    expect(alert?.notifyStartedAt).not.toBeNull();
    expect(await excursionsOf(d.deviceId)).toMatchObject([
      { startTs: new Date(start), endTs: new Date(start + 14 * 250), alertId: alert?.id },
    ]);
  });

  it('gives the 16-minute scenario one alert with its true start and end, in one post', async () => {
    const d = await newFridge();
    await post(d, scenario);
    const alerts = await alertsOf(d.deviceId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      startedAt: new Date(t0),
      alertAt: new Date(t0 + 15 * MIN),
      endedAt: new Date(t0 + 17 * MIN),
      title: 'Vaccine fridge: temperature outside 2–8 °C for 15 min',
    });
  });

  it('gives the same alert when the same readings arrive late in one backfill, and never twice', async () => {
    const d = await newFridge();
    await post(d, [[t0 + 30 * MIN, 5]]); // a later, normal reading first: the rest is late
    await post(d, scenario);
    await post(d, scenario); // a retry of the backfill: all duplicates
    const alerts = await alertsOf(d.deviceId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      startedAt: new Date(t0),
      endedAt: new Date(t0 + 17 * MIN),
      alertAt: new Date(t0 + 15 * MIN),
      retrospective: true,
    });
  });

  it('keeps a shorter excursion as transient, without an alert', async () => {
    const d = await newFridge();
    await post(d, [
      ...Array.from({ length: 10 }, (_, i): [number, number] => [t0 + i * MIN, 9]),
      [t0 + 10 * MIN, 5],
    ]);
    expect(await alertsOf(d.deviceId)).toEqual([]);
    expect(await excursionsOf(d.deviceId)).toMatchObject([
      { startTs: new Date(t0), endTs: new Date(t0 + 10 * MIN), alertAt: null, alertId: null },
    ]);
  });

  it('records the longest stretch without data on the excursion and the alert answer (#22)', async () => {
    const d = await newFridge(300);
    const start = Math.floor((Date.now() - 7 * 60 * MIN) / MIN) * MIN;
    await post(d, [
      [start, 9],
      [start + 5 * MIN, 9],
      [start + 6 * 60 * MIN, 5],
    ]);
    const [excursion] = await excursionsOf(d.deviceId);
    expect(excursion).toMatchObject({ endTs: new Date(start + 6 * 60 * MIN) });
    expect(excursion?.longestGapMs).toBe(355 * MIN);
    const alert = await waitFor(async () => (await alertsOf(d.deviceId))[0]);
    const key = (await seedApiKey(s.db, d.tenantId)).key;
    const res = await call(s.app, key, 'GET', `/v1/alerts/${alert.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ longestGapMs: 355 * MIN });
  });

  it('raises through the due check when no further data arrives, marked data gap', async () => {
    const d = await newFridge();
    const start = Date.now() - 16 * MIN;
    await post(d, [[start, 9.5]]);
    // The excursion is due at start + 15 min, already past: QStash delivers the check now.
    const alert = await waitFor(async () => (await alertsOf(d.deviceId))[0]);
    expect(alert).toMatchObject({
      startedAt: new Date(start),
      alertAt: new Date(start + 15 * MIN),
      dataGap: true,
      endedAt: null,
    });
    const [excursion] = await excursionsOf(d.deviceId);
    expect(excursion?.checkMessageId).toMatch(/^msg_/); // the QStash check that raised it
  });

  it('keeps an alert that late data shows was too short, and says so on its timeline', async () => {
    const d = await newFridge();
    const start = Date.now() - 16 * MIN;
    await post(d, [[start, 9.5]]);
    const alert = await waitFor(async () => (await alertsOf(d.deviceId))[0]);
    // The device was buffering: it had been back in range 6 min after the start.
    await post(d, [[start + 6 * MIN, 5]]);
    const events = await s.db.handle.db
      .select()
      .from(schema.alertEvents)
      .where(eq(schema.alertEvents.alertId, alert.id));
    expect(events.map((e) => e.type)).toContain('disqualified');
    expect(await alertsOf(d.deviceId)).toHaveLength(1);
    expect(await excursionsOf(d.deviceId)).toMatchObject([
      { startTs: new Date(start), endTs: new Date(start + 6 * MIN), alertAt: null },
    ]);
  });

  it('resolves an acknowledged alert by itself when the condition clears', async () => {
    const d = await newFridge();
    const key = (await seedApiKey(s.db, d.tenantId)).key;
    await post(d, scenario.slice(0, 16));
    const [alert] = await alertsOf(d.deviceId);
    const ack = await call(s.app, key, 'POST', `/v1/alerts/${alert?.id}/acknowledge`, {
      reasonCode: 'door_left_open',
    });
    expect(ack.status).toBe(200);
    await post(d, scenario.slice(16));
    const [after] = await alertsOf(d.deviceId);
    expect(after).toMatchObject({ status: 'resolved', resolution: 'condition_cleared' });
    const timeline = await call(s.app, key, 'GET', `/v1/alerts/${alert?.id}`);
    expect((await timeline.json()).timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['raised', 'acknowledged', 'condition_cleared', 'resolved']),
    );
  });

  it('raises one offline alert per outage from the sweep and clears it when data returns', async () => {
    const d = await newFridge(60);
    await post(d, [[Date.now() - 1_000, 5]]);
    await s.db.handle.db
      .update(schema.devices)
      .set({ lastSeenAt: new Date(Date.now() - 10 * MIN) })
      .where(eq(schema.devices.id, d.deviceId));
    const qstash = new Client({ baseUrl: s.db.env.QSTASH_URL!, token: s.db.env.QSTASH_TOKEN! });
    const sweep = () => qstash.publishJSON({ url: `${s.base}${alertsSweepJob.path}`, body: {} });
    await sweep();
    const offline = await waitFor(async () =>
      (await alertsOf(d.deviceId)).find((a) => a.kind === 'offline'),
    );
    expect(offline).toMatchObject({ status: 'active', endedAt: null, severity: 'warning' });
    await sweep(); // a second run finds it raised
    await new Promise((r) => setTimeout(r, 500));
    expect((await alertsOf(d.deviceId)).filter((a) => a.kind === 'offline')).toHaveLength(1);

    const back = Date.now() - 500;
    await post(d, [[back, 5]]);
    const [cleared] = await s.db.handle.db
      .select()
      .from(schema.alerts)
      .where(and(eq(schema.alerts.deviceId, d.deviceId), eq(schema.alerts.kind, 'offline')));
    expect(cleared).toMatchObject({ status: 'active', endedAt: new Date(back) });
  });
});
