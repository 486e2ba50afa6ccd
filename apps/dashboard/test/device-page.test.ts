import { type ReadingRow, type Role, validateAlertRule } from '@anythingiot/core';
import { ingestReadings, schema } from '@anythingiot/db';
import { createAlertRule, createDevice, getDevice } from '@anythingiot/services';
import { seedAlert } from '@anythingiot/services/testing';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as page from '../app/routes/_app.devices.$deviceId';
import { fingerprint } from './fingerprint';
import { type Company, useDashboard } from './harness';

const t = useDashboard();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const now = Math.floor(Date.now() / MINUTE) * MINUTE;
// The day on the chart: a fridge at 3.5–5.5 °C with one warm half hour at 11 °C, six hours ago.
const warmFrom = now - 6 * HOUR;
const warmTo = warmFrom + 30 * MINUTE;

let inFacility1: string; // company A, facility 1 (operators and vendors see it)
let inFacility2: string; // company A, facility 2 (they do not)
let ofCompanyB: string;

const url = (id: string, query = '') => `/devices/${id}${query}`;
const owner = () => t.ctxFor(t.a.members.owner, t.a);

async function seedDevice(company: Company, facilityId: string, name: string) {
  const ctx = t.ctxFor(company.members.owner, company);
  const { device } = await createDevice({
    ctx,
    input: { name, facilityId, tags: ['vaccines'], expectedIntervalSeconds: 60 },
  });
  return device.id;
}

async function seedDay(company: Company, deviceId: string) {
  const rows: ReadingRow[] = [];
  for (let ts = now - 23 * HOUR; ts < now; ts += MINUTE) {
    const warm = ts >= warmFrom && ts < warmTo;
    rows.push({
      metric: 'temperature',
      ts,
      value: warm ? 11 : 4.5 + Math.sin(ts / (40 * MINUTE)),
      seq: null,
    });
  }
  rows.push({ metric: 'humidity', ts: now - MINUTE, value: 61.5, seq: null });
  for (let i = 0; i < rows.length; i += 1_000) {
    await ingestReadings(t.db, { tenantId: company.tenantId, deviceId }, rows.slice(i, i + 1_000));
  }
}

/** A half-hour excursion from `from`, at 11 °C, as the evaluator records it. */
const seedExcursion = (deviceId: string, from: number) =>
  seedAlert(
    t.database,
    t.a.tenantId,
    { id: deviceId, facilityId: t.a.facilityIds[0] },
    {
      title: 'Temperature above 8 °C',
      startedAt: new Date(from),
      endedAt: new Date(from + 30 * MINUTE),
      alertAt: new Date(from + 15 * MINUTE),
      peak: 11,
    },
  );

beforeAll(async () => {
  inFacility1 = await seedDevice(t.a, t.a.facilityIds[0], 'Vaccine fridge 1');
  inFacility2 = await seedDevice(t.a, t.a.facilityIds[1], 'Warehouse probe');
  ofCompanyB = await seedDevice(t.b, t.b.facilityIds[0], 'Beta chiller');
  await seedDay(t.a, inFacility1);
  await seedDay(t.b, ofCompanyB);
  await createAlertRule({
    ctx: owner(),
    input: {
      rule: validateAlertRule({
        name: 'Fridge too warm',
        scope: { kind: 'device', deviceId: inFacility1 },
        metric: 'temperature',
        condition: { kind: 'above', threshold: 8 },
        durationSeconds: 900,
        deadband: 0.5,
        severity: 'critical',
        schedule: null,
        enabled: true,
      }),
    },
  });
  // A tenant-wide rule the device rule overrides (most specific scope wins): never drawn.
  await createAlertRule({
    ctx: owner(),
    input: {
      rule: validateAlertRule({
        name: 'Generic',
        scope: { kind: 'tenant' },
        metric: 'temperature',
        condition: { kind: 'outside', low: 0, high: 25 },
        durationSeconds: 900,
        deadband: 0,
        severity: 'warning',
        schedule: null,
        enabled: true,
      }),
    },
  });
  await seedExcursion(inFacility1, warmFrom);
  // Outside the last 24 h, inside the last 7 days.
  await seedExcursion(inFacility1, now - 30 * HOUR);
});

/** A device as its company's owner sees it. */
async function deviceOf(id: string) {
  const { device, credentials } = await getDevice({ ctx: owner(), input: { id } });
  return {
    name: device.name,
    tags: device.tags,
    facilityId: device.facilityId,
    status: device.status,
    credentials: credentials.length,
  };
}

/** Every row the actions could write (audit log included) and the device's secrets. */
async function snapshot(id: string) {
  const { credentials } = await getDevice({ ctx: owner(), input: { id } });
  return { rows: await fingerprint(t.db), credentials };
}

describe('device page loader', () => {
  it('sends a signed-out visitor to the login page', async () => {
    const res = await t.call(page, {
      as: null,
      url: url(inFacility1),
      params: { deviceId: inFacility1 },
    });
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/login?next=${encodeURIComponent(url(inFacility1))}`);
  });

  it('shows the last 24 h: chart, rule threshold, shaded excursion, statistics, latest values', async () => {
    const res = await t.call(page, {
      as: t.a.members.owner,
      url: url(inFacility1),
      params: { deviceId: inFacility1 },
    });
    expect(res.status).toBe(200);
    const { history, latest, device } = res.data;
    expect(device.name).toBe('Vaccine fridge 1');
    expect(history.ok).toBe(true);
    expect(history.resolution).toBe('1m');
    // The device rule's line only: the tenant-wide rule is overridden.
    expect(history.thresholds).toEqual([{ name: 'Max 8.0 °C', kind: 'max', severity: 'critical' }]);
    expect(history.chart.categories).toEqual(['Excursion', 'Temperature', 'Max 8.0 °C']);
    const rows = history.chart.rows as { value: number | null; excursion: boolean }[];
    expect(rows.filter((r) => r.value !== null)).toHaveLength(23 * 60);
    // The warm half hour (30 one-minute points) and the stretch either side of it.
    const shaded = rows.filter((r) => r.excursion);
    expect(shaded.length).toBeGreaterThanOrEqual(30);
    expect(shaded.length).toBeLessThanOrEqual(32);
    expect(shaded.every((r) => r.value !== null && r.value > 8)).toBe(false);
    expect(shaded.filter((r) => r.value === 11)).toHaveLength(30);
    expect(history.chart.maxValue).toBeGreaterThan(11);
    // Only the excursion within the range is listed.
    expect(history.excursions).toHaveLength(1);
    expect(history.excursions[0]).toMatchObject({ severity: 'critical', peak: '11.0 °C' });
    expect(history.summary).toMatchObject({ count: 23 * 60, max: '11.0 °C' });
    expect(history.summary.mkt).toMatch(/°C$/);
    // Temperature first, whatever the alphabet says.
    expect(latest).toEqual([
      expect.objectContaining({ metric: 'temperature', value: expect.stringMatching(/ °C$/) }),
      expect.objectContaining({ metric: 'humidity', value: '61.5 %RH' }),
    ]);
    expect(res.data.credentials).toMatchObject({ rotations: 0, graceUntil: [] });
    expect(JSON.stringify(res.data)).not.toMatch(/secret_?ciphertext|sealed/i);
  });

  it('switching the range changes the data: 7 days in hourly buckets with both excursions', async () => {
    const res = await t.call(page, {
      as: t.a.members.owner,
      url: url(inFacility1, '?range=7d'),
      params: { deviceId: inFacility1 },
    });
    expect(res.status).toBe(200);
    expect(res.data.history.resolution).toBe('1h');
    expect(res.data.history.excursions).toHaveLength(2);
    const rows = res.data.history.chart.rows as { value: number | null; low?: number }[];
    expect(rows.filter((r) => r.value !== null).length).toBeLessThanOrEqual(24);
    expect(rows.some((r) => r.low !== undefined)).toBe(true);
  });

  it('reads a custom range in the tenant time zone', async () => {
    const res = await t.call(page, {
      as: t.a.members.owner,
      // Berlin wall time; the exact hour does not matter, only that it is read and echoed.
      url: url(inFacility1, '?range=custom&from=2026-01-10T08:00&to=2026-01-10T12:00'),
      params: { deviceId: inFacility1 },
    });
    expect(res.status).toBe(200);
    expect(res.data.history.from).toBe(Date.UTC(2026, 0, 10, 7, 0));
    expect(res.data.history.to).toBe(Date.UTC(2026, 0, 10, 11, 0));
    expect(res.data.customFrom).toBe('2026-01-10T08:00');
  });

  it('shows temperatures and thresholds in the tenant unit (°F)', async () => {
    await t.db
      .update(schema.tenants)
      .set({ temperatureUnit: 'F' })
      .where(eq(schema.tenants.id, t.b.tenantId));
    await createAlertRule({
      ctx: t.ctxFor(t.b.members.owner, t.b),
      input: {
        rule: validateAlertRule({
          name: 'Chiller band',
          scope: { kind: 'facility', facilityId: t.b.facilityIds[0] },
          metric: 'temperature',
          condition: { kind: 'outside', low: 2, high: 8 },
          durationSeconds: 600,
          deadband: 0.5,
          severity: 'warning',
          schedule: null,
          enabled: true,
        }),
      },
    });
    const res = await t.call(page, {
      as: t.b.members.auditor,
      url: url(ofCompanyB),
      params: { deviceId: ofCompanyB },
    });
    expect(res.status).toBe(200);
    expect(res.data.unit).toBe('°F');
    expect(res.data.history.thresholds.map((x: { name: string }) => x.name)).toEqual([
      'Max 46.4 °F',
      'Min 35.6 °F',
    ]);
    expect(res.data.history.summary.max).toBe('51.8 °F');
    const temperature = res.data.latest.find((l: { metric: string }) => l.metric === 'temperature');
    expect(temperature.value).toMatch(/ °F$/);
  });

  it.each<Role>(['owner', 'admin', 'manager', 'operator', 'auditor', 'vendor'])(
    'lets a %s read a device of their facility, with only the controls their role allows',
    async (role) => {
      const res = await t.call(page, {
        as: t.a.members[role],
        url: url(inFacility1),
        params: { deviceId: inFacility1 },
      });
      expect(res.status).toBe(200);
      const expected = {
        owner: { write: true, rotate: true, revoke: true },
        admin: { write: true, rotate: true, revoke: true },
        manager: { write: true, rotate: true, revoke: true },
        operator: { write: false, rotate: false, revoke: false },
        auditor: { write: false, rotate: false, revoke: false },
        vendor: { write: true, rotate: true, revoke: false },
      }[role];
      expect(res.data.can).toEqual(expected);
    },
  );

  it("answers 404 for another company's device", async () => {
    const res = await t.call(page, {
      as: t.b.members.owner,
      url: url(inFacility1),
      params: { deviceId: inFacility1 },
    });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.data)).not.toContain('Vaccine fridge');
  });

  it.each<Role>(['operator', 'vendor'])(
    'answers 404 to a %s limited to facility 1 for a device in facility 2',
    async (role) => {
      const res = await t.call(page, {
        as: t.a.members[role],
        url: url(inFacility2),
        params: { deviceId: inFacility2 },
      });
      expect(res.status).toBe(404);
    },
  );

  it('answers 404 for a malformed device id', async () => {
    const res = await t.call(page, {
      as: t.a.members.owner,
      url: url('not-a-device'),
      params: { deviceId: 'not-a-device' },
    });
    expect(res.status).toBe(404);
  });

  it.each([
    ['?range=2y', 'range'],
    ['?range=custom&from=yesterday&to=2026-01-10T12:00', 'from'],
    ['?range=custom&from=2026-01-10T08:00', 'to'],
    ['?range=custom&from=2026-02-30T08:00&to=2026-03-02T08:00', 'from'],
    ['?range=custom&from=2026-01-10T12:00&to=2026-01-10T08:00', 'from'],
    ['?range=custom&from=2024-01-01T00:00&to=2026-01-01T00:00', 'to'],
    ['?metric=Not%20A%20Metric', 'metric'],
  ])('answers 422 for the range %s, naming %s', async (query, field) => {
    const res = await t.call(page, {
      as: t.a.members.owner,
      url: url(inFacility1, query),
      params: { deviceId: inFacility1 },
    });
    expect(res.status).toBe(422);
    expect(res.data.history.ok).toBe(false);
    expect(res.data.history.problem.errors.map((e: { path: string }) => e.path)).toContain(field);
    // The rest of the page still renders around the form's error.
    expect(res.data.device.name).toBe('Vaccine fridge 1');
  });
});

describe('device page actions', () => {
  const post = (role: Role, id: string, form: Record<string, string>, company = t.a) =>
    t.call(page, { as: company.members[role], url: url(id), params: { deviceId: id }, form });
  const details = (over: Record<string, string> = {}) => ({
    intent: 'update',
    name: 'Vaccine fridge 1',
    tags: 'vaccines',
    facilityId: t.a.facilityIds[0],
    ...over,
  });

  it.each<[Role, Record<string, string>]>([
    ['operator', { intent: 'update', name: 'Renamed' }],
    ['operator', { intent: 'rotate', graceSeconds: '0' }],
    ['operator', { intent: 'revoke', confirm: 'yes' }],
    ['auditor', { intent: 'update', name: 'Renamed' }],
    ['auditor', { intent: 'rotate', graceSeconds: '0' }],
    ['auditor', { intent: 'revoke', confirm: 'yes' }],
    ['vendor', { intent: 'revoke', confirm: 'yes' }],
  ])('refuses a %s %j with 403 and writes nothing', async (role, form) => {
    const before = await snapshot(inFacility1);
    const res = await post(role, inFacility1, form);
    expect(res.status).toBe(403);
    expect(await snapshot(inFacility1)).toEqual(before);
  });

  it('refuses a cross-origin post with 403 and writes nothing', async () => {
    const before = await snapshot(inFacility1);
    const res = await t.call(page, {
      as: t.a.members.owner,
      url: url(inFacility1),
      params: { deviceId: inFacility1 },
      form: { intent: 'revoke', confirm: 'yes' },
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(await snapshot(inFacility1)).toEqual(before);
  });

  it('sends a signed-out post to the login page and writes nothing', async () => {
    const before = await snapshot(inFacility1);
    const res = await t.call(page, {
      as: null,
      url: url(inFacility1),
      params: { deviceId: inFacility1 },
      form: { intent: 'revoke', confirm: 'yes' },
    });
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/login/);
    expect(await snapshot(inFacility1)).toEqual(before);
  });

  it("answers 404 for another company's device and writes nothing", async () => {
    const before = await snapshot(inFacility1);
    const forms: Record<string, string>[] = [
      details({ name: 'Hijacked' }),
      { intent: 'rotate', graceSeconds: '0' },
      { intent: 'revoke', confirm: 'yes' },
    ];
    for (const form of forms) {
      const res = await post('owner', inFacility1, form, t.b);
      expect(res.status).toBe(404);
    }
    expect(await snapshot(inFacility1)).toEqual(before);
  });

  it('answers 404 to a vendor limited to facility 1 for a device in facility 2, or a move there', async () => {
    const before2 = await snapshot(inFacility2);
    const rotate = await post('vendor', inFacility2, { intent: 'rotate', graceSeconds: '0' });
    expect(rotate.status).toBe(404);
    const rename = await post('vendor', inFacility2, details({ name: 'Mine now' }));
    expect(rename.status).toBe(404);
    expect(await snapshot(inFacility2)).toEqual(before2);

    const before1 = await snapshot(inFacility1);
    const move = await post('vendor', inFacility1, details({ facilityId: t.a.facilityIds[1] }));
    expect(move.status).toBe(404);
    expect(await snapshot(inFacility1)).toEqual(before1);
  });

  it.each<[Record<string, string>, string]>([
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{ tags: 'cold, cold' }, 'tags'],
    [{ tags: `ok, ${'x'.repeat(41)}` }, 'tags.1'],
    [{ facilityId: 'fac_doesnotexist0000000' }, 'facilityId'],
  ])('answers 422 for details %j naming %s, and writes nothing', async (over, field) => {
    const before = await snapshot(inFacility1);
    const res = await post('manager', inFacility1, details(over));
    expect(res.status).toBe(422);
    expect(res.data.intent).toBe('update');
    expect(res.data.problem.errors.map((e: { path: string }) => e.path)).toContain(field);
    expect(await snapshot(inFacility1)).toEqual(before);
  });

  it('renames, retags and moves a device (device.write), and says when nothing changed', async () => {
    const res = await post(
      'manager',
      inFacility2,
      details({ name: 'Warehouse probe 2', tags: 'ambient, dock', facilityId: t.a.facilityIds[0] }),
    );
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ intent: 'update', saved: true });
    expect(await deviceOf(inFacility2)).toMatchObject({
      name: 'Warehouse probe 2',
      tags: ['ambient', 'dock'],
      facilityId: t.a.facilityIds[0],
    });
    const again = await post(
      'manager',
      inFacility2,
      details({ name: 'Warehouse probe 2', tags: 'ambient,dock', facilityId: t.a.facilityIds[0] }),
    );
    expect(again.data).toEqual({ intent: 'update', saved: false });
    // Back where it was, for the other tests.
    await post(
      'owner',
      inFacility2,
      details({ name: 'Warehouse probe', facilityId: t.a.facilityIds[1] }),
    );
  });

  it('lets a vendor rotate the secret: shown once, never cached, the old one in grace', async () => {
    const res = await post('vendor', inFacility1, { intent: 'rotate', graceSeconds: '3600' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.data.secret).toMatch(/\S{20,}/);
    expect(res.data.graceSeconds).toBe(3600);
    const view = await t.call(page, {
      as: t.a.members.owner,
      url: url(inFacility1),
      params: { deviceId: inFacility1 },
    });
    expect(view.data.credentials.rotations).toBe(1);
    expect(view.data.credentials.graceUntil).toHaveLength(1);
    expect(JSON.stringify(view.data)).not.toContain(res.data.secret);
  });

  it('answers 422 for a grace period not offered, and rotates nothing', async () => {
    const before = await snapshot(inFacility1);
    const res = await post('owner', inFacility1, { intent: 'rotate', graceSeconds: '999999999' });
    expect(res.status).toBe(422);
    expect(res.data.problem.errors[0].path).toBe('graceSeconds');
    expect(await snapshot(inFacility1)).toEqual(before);
  });

  it('revokes only after confirmation, then answers 409 to a second revocation and to a rotation', async () => {
    const before = await snapshot(inFacility2);
    const unconfirmed = await post('manager', inFacility2, { intent: 'revoke' });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.data.problem.errors[0].path).toBe('confirm');
    expect(await snapshot(inFacility2)).toEqual(before);

    const res = await post('manager', inFacility2, { intent: 'revoke', confirm: 'yes' });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ intent: 'revoke', revoked: true });
    expect((await deviceOf(inFacility2)).status).toBe('revoked');

    const again = await post('admin', inFacility2, { intent: 'revoke', confirm: 'yes' });
    expect(again.status).toBe(409);
    expect(again.data.intent).toBe('revoke');
    expect(again.data.problem.detail).toBe('The device is already revoked.');
    const rotate = await post('admin', inFacility2, { intent: 'rotate', graceSeconds: '0' });
    expect(rotate.status).toBe(409);

    const view = await t.call(page, {
      as: t.a.members.owner,
      url: url(inFacility2),
      params: { deviceId: inFacility2 },
    });
    expect(view.data.state).toBe('revoked');
    expect(view.data.credentials.revoked).not.toBeNull();
  });

  it('answers 400 for an unknown or missing intent, writing nothing (never another form)', async () => {
    const before = await snapshot(inFacility1);
    // Fields of the details form, so a fallback to `update` would have renamed the device.
    const forms: Record<string, string>[] = [
      { intent: 'delete', name: 'Renamed by a bad form' },
      { name: 'Renamed by a bad form' },
    ];
    for (const form of forms) {
      const res = await post('owner', inFacility1, form);
      expect(res.status).toBe(400);
      expect(res.data.code).toBe('unknown_intent');
    }
    expect(await snapshot(inFacility1)).toEqual(before);
  });
});
