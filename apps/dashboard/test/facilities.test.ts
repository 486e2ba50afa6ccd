import { newId, type Role } from '@anythingiot/core';
import { ingestReadings, schema } from '@anythingiot/db';
import { createDevice } from '@anythingiot/services';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as facilities from '../app/routes/_app.facilities._index';
import * as facility from '../app/routes/_app.facilities.$facilityId';
import { fingerprint } from './fingerprint';
import { useDashboard } from './harness';

const t = useDashboard();

const WRITERS: Role[] = ['owner', 'admin'];
const NOT_WRITERS: Role[] = ['manager', 'operator', 'auditor', 'vendor'];
const HOUR = 3_600_000;

const newFacility = (overrides: Record<string, string> = {}) => ({
  name: `Depot ${newId('request').slice(-6)}`,
  type: 'warehouse',
  address: 'Hafenstraße 1, Hamburg',
  timeZone: 'Europe/Berlin',
  ...overrides,
});

/** Company A's facility 1 gets a reporting fridge (24 h of hourly readings) and a silent one. */
let reporting: { id: string };
let silent: { id: string };
beforeAll(async () => {
  const ctx = t.ctxFor(t.a.members.owner, t.a);
  const [one, two] = t.a.facilityIds;
  reporting = (await createDevice({ ctx, input: { name: 'Fridge 1', facilityId: one } })).device;
  silent = (await createDevice({ ctx, input: { name: 'Fridge 2', facilityId: one } })).device;
  await createDevice({ ctx, input: { name: 'Warehouse logger', facilityId: two } });
  const now = Date.now();
  const rows = Array.from({ length: 6 }, (_, i) => [
    { metric: 'temperature', ts: now - (5 - i) * HOUR - 60_000, value: 4 + i * 0.5, seq: null },
  ]).flat();
  rows.push(
    { metric: 'humidity', ts: now - 60_000, value: 58, seq: null },
    { metric: 'door', ts: now - 60_000, value: 1, seq: null },
    { metric: 'power', ts: now - 60_000, value: 120, seq: null },
  );
  await ingestReadings(t.db, { tenantId: t.a.tenantId, deviceId: reporting.id }, rows);
});

describe('the facilities list', () => {
  it('sends a signed-out visitor to the login page', async () => {
    const res = await t.call(facilities, { as: null, url: '/facilities' });
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login?next=%2Ffacilities');
  });

  it('lists every facility of the company with its devices counted by state', async () => {
    const res = await t.call(facilities, { as: t.a.members.auditor, url: '/facilities' });
    expect(res.status).toBe(200);
    const [one, two] = t.a.facilityIds;
    const byId = Object.fromEntries(res.data.facilities.map((f: { id: string }) => [f.id, f]));
    expect(byId[one]).toMatchObject({ online: 1, offline: 0, neverReported: 1, type: 'cold_room' });
    expect(byId[two]).toMatchObject({ online: 0, neverReported: 1 });
    expect(res.data.canWrite).toBe(false);
  });

  it.each(['operator', 'vendor'] as const)('shows a %s only their facility', async (role) => {
    const res = await t.call(facilities, { as: t.a.members[role], url: '/facilities' });
    expect(res.data.facilities.map((f: { id: string }) => f.id)).toEqual([t.a.facilityIds[0]]);
  });

  it("never shows another company's facilities", async () => {
    const res = await t.call(facilities, { as: t.b.members.owner, url: '/facilities' });
    const ids = res.data.facilities.map((f: { id: string }) => f.id);
    expect(ids).toEqual(expect.arrayContaining(t.b.facilityIds));
    expect(ids).not.toContain(t.a.facilityIds[0]);
    expect(res.data.canWrite).toBe(true);
  });
});

describe('creating a facility', () => {
  it('sends a signed-out visitor to the login page, creating nothing', async () => {
    const before = await fingerprint(t.db);
    const res = await t.call(facilities, { as: null, url: '/facilities', form: newFacility() });
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^\/login/);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it.each(NOT_WRITERS)('refuses a %s (403) and creates nothing', async (role) => {
    const before = await fingerprint(t.db);
    const res = await t.call(facilities, {
      as: t.a.members[role],
      url: '/facilities',
      form: newFacility(),
    });
    expect(res.status).toBe(403);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('refuses a cross-origin form (403) and creates nothing', async () => {
    const before = await fingerprint(t.db);
    const res = await t.call(facilities, {
      as: t.a.members.owner,
      url: '/facilities',
      form: newFacility(),
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('answers every bad field at once (422) and creates nothing', async () => {
    const before = await fingerprint(t.db);
    const res = await t.call(facilities, {
      as: t.a.members.admin,
      url: '/facilities',
      form: newFacility({ name: '  ', type: 'garage', timeZone: 'Mars/Olympus' }),
    });
    expect(res.status).toBe(422);
    const paths = res.data.problem.errors.map((e: { path: string }) => e.path);
    expect(paths.sort()).toEqual(['name', 'timeZone', 'type']);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('answers a name already taken in the company (409 on the name field)', async () => {
    const before = await fingerprint(t.db);
    const res = await t.call(facilities, {
      as: t.a.members.owner,
      url: '/facilities',
      form: newFacility({ name: 'Alpha Pharma Cold Room' }),
    });
    expect(res.status).toBe(409);
    expect(res.data.problem.errors).toEqual([
      { path: 'name', message: 'already taken in this tenant' },
    ]);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it.each(WRITERS)('lets a %s create one, opening it, audited', async (role) => {
    const form = newFacility({ type: 'pharmacy', timeZone: 'america/chicago' });
    const res = await t.call(facilities, { as: t.a.members[role], url: '/facilities', form });
    expect(res.status).toBe(302);
    const id = /^\/facilities\/(fac_\w+)\?created=1$/.exec(res.location ?? '')?.[1];
    expect(id).toBeDefined();
    const [row] = await t.db.select().from(schema.facilities).where(eq(schema.facilities.id, id!));
    expect(row).toMatchObject({
      tenantId: t.a.tenantId,
      name: form.name,
      type: 'pharmacy',
      address: form.address,
      timeZone: 'America/Chicago',
    });
    const audit = await t.db
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.targetId, id!), eq(schema.auditLog.action, 'facility.create')));
    expect(audit).toHaveLength(1);
  });
});

describe('the facility page', () => {
  const url = (id: string) => `/facilities/${id}`;

  it('sends a signed-out visitor to the login page', async () => {
    const id = t.a.facilityIds[0];
    const res = await t.call(facility, { as: null, url: url(id), params: { facilityId: id } });
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/login?next=${encodeURIComponent(url(id))}`);
  });

  it('shows its devices with their newest values, state and a 24 h sparkline', async () => {
    const id = t.a.facilityIds[0];
    const res = await t.call(facility, {
      as: t.a.members.operator,
      url: url(id),
      params: { facilityId: id },
    });
    expect(res.status).toBe(200);
    expect(res.data.facility).toMatchObject({ id, name: 'Alpha Pharma Cold Room' });
    expect(res.data.unit).toBe('C');
    const byName = Object.fromEntries(res.data.devices.map((d: { name: string }) => [d.name, d]));
    expect(Object.keys(byName).sort()).toEqual(['Fridge 1', 'Fridge 2']);
    expect(byName['Fridge 1']).toMatchObject({
      id: reporting.id,
      connectivity: 'online',
      temperature: 6.5,
      humidity: 58,
      door: 1,
      power: 120,
    });
    // Hourly means of the last 24 h, oldest first: one reading per hour here.
    expect(byName['Fridge 1'].sparkline.map((p: { temperature: number }) => p.temperature)).toEqual(
      [4, 4.5, 5, 5.5, 6, 6.5],
    );
    expect(byName['Fridge 2']).toMatchObject({
      id: silent.id,
      connectivity: 'never_reported',
      temperature: null,
      sparkline: [],
    });
    expect(res.data.canWrite).toBe(false);
    expect(res.data.canRegister).toBe(false);
  });

  it("answers 404 for another company's facility", async () => {
    const id = t.a.facilityIds[0];
    const res = await t.call(facility, {
      as: t.b.members.owner,
      url: url(id),
      params: { facilityId: id },
    });
    expect(res.status).toBe(404);
  });

  it.each(['operator', 'vendor'] as const)(
    'answers 404 to a %s for a facility outside theirs',
    async (role) => {
      const id = t.a.facilityIds[1];
      const res = await t.call(facility, {
        as: t.a.members[role],
        url: url(id),
        params: { facilityId: id },
      });
      expect(res.status).toBe(404);
    },
  );

  it('answers 404 for an id that is not a facility id at all', async () => {
    const res = await t.call(facility, {
      as: t.a.members.owner,
      url: url('nonsense'),
      params: { facilityId: 'nonsense' },
    });
    expect(res.status).toBe(404);
  });
});

describe('editing a facility', () => {
  const edit = (id: string, overrides: Record<string, string> = {}) => ({
    url: `/facilities/${id}`,
    params: { facilityId: id },
    form: {
      intent: 'update',
      name: `Cold room ${newId('request').slice(-6)}`,
      type: 'cold_room',
      address: 'Lagerweg 2',
      timeZone: 'Europe/Berlin',
      ...overrides,
    },
  });

  it('sends a signed-out visitor to the login page, changing nothing', async () => {
    const before = await fingerprint(t.db);
    const res = await t.call(facility, { as: null, ...edit(t.a.facilityIds[1]) });
    expect(res.status).toBe(302);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it.each(NOT_WRITERS)('refuses a %s (403) and changes nothing', async (role) => {
    const before = await fingerprint(t.db);
    const res = await t.call(facility, { as: t.a.members[role], ...edit(t.a.facilityIds[0]) });
    expect(res.status).toBe(403);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it("answers 404 for another company's facility and changes nothing", async () => {
    const before = await fingerprint(t.db);
    const res = await t.call(facility, { as: t.b.members.owner, ...edit(t.a.facilityIds[0]) });
    expect(res.status).toBe(404);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('refuses a cross-origin form (403) and changes nothing', async () => {
    const before = await fingerprint(t.db);
    const res = await t.call(facility, {
      as: t.a.members.owner,
      ...edit(t.a.facilityIds[1]),
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('answers an unknown or missing intent with 400 and changes nothing (never the details form)', async () => {
    const before = await fingerprint(t.db);
    const { intent: _, ...details } = edit(t.a.facilityIds[1]).form;
    for (const form of [{ ...details, intent: 'delete' }, details]) {
      const res = await t.call(facility, {
        as: t.a.members.owner,
        ...edit(t.a.facilityIds[1]),
        form,
      });
      expect(res.status).toBe(400);
      expect(res.data.code).toBe('unknown_intent');
    }
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('answers bad fields (422) next to them and changes nothing', async () => {
    const before = await fingerprint(t.db);
    const res = await t.call(facility, {
      as: t.a.members.admin,
      ...edit(t.a.facilityIds[1], { name: '', timeZone: '+01:00' }),
    });
    expect(res.status).toBe(422);
    const paths = res.data.problem.errors.map((e: { path: string }) => e.path);
    expect(paths.sort()).toEqual(['name', 'timeZone']);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('saves a change, audited with before and after', async () => {
    const id = t.b.facilityIds[1];
    const request = edit(id, { type: 'transport', address: 'Truck B-AI 42', timeZone: 'UTC' });
    const res = await t.call(facility, { as: t.b.members.admin, ...request });
    expect(res.status).toBe(200);
    expect(res.data.saved).toBe(true);
    const [row] = await t.db.select().from(schema.facilities).where(eq(schema.facilities.id, id));
    expect(row).toMatchObject({
      name: request.form.name,
      type: 'transport',
      address: 'Truck B-AI 42',
      timeZone: 'UTC',
    });
    const [audit] = await t.db
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.targetId, id), eq(schema.auditLog.action, 'facility.update')));
    expect(audit?.before).toMatchObject({ name: 'Beta Foods Warehouse', type: 'warehouse' });
    expect(audit?.after).toMatchObject({ name: request.form.name, type: 'transport' });
  });
});
