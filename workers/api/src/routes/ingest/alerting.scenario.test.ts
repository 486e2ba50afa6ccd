import { signDeviceRequest } from '@anythingiot/core';
import { facilityRepo, schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caught,
  type ServedApp,
  seedMember,
  serveApp,
  waitFor,
} from '../../../test/notify-stack.js';
import { call, seedAlertRule, seedTenant } from '../../../test/tenant-fixtures.js';

// Issue 4's "done when", end to end on the real stack: a fridge at 9 °C for 16 minutes under a
// 15-minute 2–8 °C rule → exactly one alert → one email per tier-1 recipient of the built-in
// policy (owners, admins, managers) → the same outcome when the readings arrive late.
const MIN = 60_000;
let s: ServedApp;
let tenantId: string;
let key: string;
let facilityId: string;
let owner: { email: string };
let manager: { email: string };
let operator: { email: string };

beforeAll(async () => {
  s = await serveApp('alert_scenario');
  ({ tenantId, key } = await seedTenant(s.db, 'Scenario Pharma'));
  facilityId = (
    await facilityRepo(s.db.handle.db, tenantId).create(
      { name: 'Pharmacy Leeds', type: 'pharmacy', timeZone: 'Europe/London' },
      { actor: { type: 'system', id: 'test' }, requestId: null },
    )
  ).id;
  owner = await seedMember(s.db, tenantId, { role: 'owner' });
  manager = await seedMember(s.db, tenantId, { role: 'manager' });
  // Not in the default policy's first tier.
  operator = await seedMember(s.db, tenantId, { role: 'operator', facilityIds: [facilityId] });
  await seedAlertRule(s.db, tenantId);
});
afterAll(() => s?.close());

async function fridge(name: string) {
  const res = await call(s.app, key, 'POST', '/v1/devices', { name, facilityId });
  const { device, secret } = await res.json();
  return { deviceId: device.id as string, secret: secret as string };
}

let clock = Date.now();
async function post(d: { deviceId: string; secret: string }, readings: [number, number][]) {
  const body = JSON.stringify({
    readings: readings.map(([ts, temperature]) => ({
      ts: new Date(ts).toISOString(),
      metrics: { temperature },
    })),
  });
  clock = Math.max(clock + 1, Date.now());
  const res = await s.app.request('/v1/ingest', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-device-id': d.deviceId,
      'x-timestamp': String(clock),
      'x-signature': await signDeviceRequest(d.secret, body, String(clock)),
    },
    body,
  });
  expect(res.status).toBe(200);
}

const t0 = Math.floor((Date.now() - 90 * MIN) / MIN) * MIN;
const scenario: [number, number][] = [
  ...Array.from({ length: 17 }, (_, i): [number, number] => [t0 + i * MIN, 9]),
  [t0 + 17 * MIN, 5],
];

/** The one alert of a device, once its tier-1 emails were accepted by the catcher. */
async function outcome(deviceId: string) {
  const alerts = await s.db.handle.db
    .select()
    .from(schema.alerts)
    .where(eq(schema.alerts.deviceId, deviceId));
  expect(alerts).toHaveLength(1);
  const alert = alerts[0]!;
  const emails = await waitFor(async () => {
    const mine = (await caught({ kind: 'email' })).filter(
      (m) => m.kind === 'email' && JSON.stringify(m.payload).includes(alert.id),
    );
    return mine.length >= 2 ? mine : undefined;
  });
  await new Promise((r) => setTimeout(r, 500)); // nothing more arrives
  const final = (await caught({ kind: 'email' })).filter(
    (m) => m.kind === 'email' && JSON.stringify(m.payload).includes(alert.id),
  );
  expect(final).toHaveLength(emails.length);
  const recipients = final.flatMap((m) => (m.kind === 'email' ? m.payload.to : [])).sort();
  return { alert, recipients };
}

describe('a fridge at 9 °C for 16 minutes under a 15-minute 2–8 °C rule', () => {
  it('raises one alert and emails each tier-1 recipient once; a late backfill gives the same', async () => {
    const inOrder = await fridge('Vaccine fridge 1');
    await post(inOrder, scenario);
    const a = await outcome(inOrder.deviceId);

    const late = await fridge('Vaccine fridge 2');
    await post(late, [[t0 + 40 * MIN, 5]]); // newer data first: the scenario arrives late
    await post(late, scenario);
    const b = await outcome(late.deviceId);

    for (const { alert, recipients } of [a, b]) {
      expect(alert).toMatchObject({
        kind: 'excursion',
        severity: 'critical',
        startedAt: new Date(t0),
        alertAt: new Date(t0 + 15 * MIN),
        endedAt: new Date(t0 + 17 * MIN),
        retrospective: true,
        peak: 9,
      });
      expect(recipients).toEqual([owner.email, manager.email].sort());
      expect(recipients).not.toContain(operator.email);
    }
  });
});
