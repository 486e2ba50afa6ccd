import { newId, openSecret, parseKeyring, type Role } from '@anythingiot/core';
import { findDeviceAuth, ingestReadings, insertAlert, schema } from '@anythingiot/db';
import { createDevice, revokeDevice } from '@anythingiot/services';
import { and, count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as devices from '../app/routes/_app.devices._index';
import * as register from '../app/routes/_app.devices.new';
import * as facility from '../app/routes/_app.facilities.$facilityId';
import { fingerprint } from './fingerprint';
import { useDashboard } from './harness';

const t = useDashboard();

const REGISTRARS: Role[] = ['owner', 'admin', 'manager', 'vendor'];
const NOT_REGISTRARS: Role[] = ['operator', 'auditor'];

/** Every row the tables a registration writes, credentials included (a secret is a row too). */
async function written() {
  const [credentials] = await t.db.select({ n: count() }).from(schema.deviceCredentials);
  return { ...(await fingerprint(t.db)), credentials: credentials?.n };
}

const names = (data: { devices: { name: string }[] }) => data.devices.map((d) => d.name).sort();

// Company A: facility 1 has an online fridge (tagged), an offline one and a never-reporting
// freezer; facility 2 a tagged logger; one revoked device in facility 2.
beforeAll(async () => {
  const ctx = t.ctxFor(t.a.members.owner, t.a);
  const [one, two] = t.a.facilityIds;
  const make = async (name: string, facilityId: string, tags: string[] = []) =>
    (await createDevice({ ctx, input: { name, facilityId, tags } })).device;
  const online = await make('Vaccine fridge', one, ['vaccines']);
  const offline = await make('Spare fridge', one);
  await make('Freezer 100%', one);
  await make('Warehouse logger', two, ['vaccines']);
  const old = await make('Old logger', two);
  await revokeDevice({ ctx, input: { id: old.id } });
  const now = Date.now();
  await ingestReadings(t.db, { tenantId: t.a.tenantId, deviceId: online.id }, [
    { metric: 'temperature', ts: now - 60_000, value: 5.5, seq: null },
  ]);
  await ingestReadings(t.db, { tenantId: t.a.tenantId, deviceId: offline.id }, [
    { metric: 'temperature', ts: now - 3 * 3_600_000, value: 6, seq: null },
  ]);
  await t.db.transaction((tx) =>
    insertAlert(
      tx,
      t.a.tenantId,
      {
        id: newId('alert'),
        deviceId: offline.id,
        facilityId: one,
        kind: 'offline',
        ruleId: null,
        excursionId: null,
        metric: null,
        severity: 'warning',
        title: 'Spare fridge is offline',
        startedAt: new Date(now - 3 * 3_600_000),
        endedAt: null,
        alertAt: new Date(now - 2 * 3_600_000),
        retrospective: false,
        dataGap: false,
        peak: null,
      },
      { actor: { type: 'system', id: 'test' }, requestId: null },
    ),
  );
});

describe('the device list', () => {
  it('sends a signed-out visitor to the login page', async () => {
    const res = await t.call(devices, { as: null, url: '/devices?status=offline' });
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login?next=%2Fdevices%3Fstatus%3Doffline');
  });

  it('lists every device of the company with its state, temperature and facility', async () => {
    const res = await t.call(devices, { as: t.a.members.auditor, url: '/devices' });
    expect(res.status).toBe(200);
    expect(names(res.data)).toEqual([
      'Freezer 100%',
      'Old logger',
      'Spare fridge',
      'Vaccine fridge',
      'Warehouse logger',
    ]);
    const fridge = res.data.devices.find((d: { name: string }) => d.name === 'Vaccine fridge');
    expect(fridge).toMatchObject({
      connectivity: 'online',
      temperature: 5.5,
      facilityName: 'Alpha Pharma Cold Room',
      tags: ['vaccines'],
    });
    expect(res.data.canRegister).toBe(false);
  });

  it.each([
    ['status=online', ['Vaccine fridge']],
    ['status=offline', ['Spare fridge']],
    ['status=never_reported', ['Freezer 100%', 'Warehouse logger']],
    ['status=revoked', ['Old logger']],
    ['tag=vaccines', ['Vaccine fridge', 'Warehouse logger']],
    ['q=FRIDGE', ['Spare fridge', 'Vaccine fridge']],
    ['q=100%25', ['Freezer 100%']],
    ['q=%25', ['Freezer 100%']],
    ['tag=vaccines&status=never_reported', ['Warehouse logger']],
  ])('filters by %s', async (query, expected) => {
    const res = await t.call(devices, { as: t.a.members.owner, url: `/devices?${query}` });
    expect(res.status).toBe(200);
    expect(names(res.data)).toEqual(expected);
  });

  it('filters by facility', async () => {
    const res = await t.call(devices, {
      as: t.a.members.manager,
      url: `/devices?facility=${t.a.facilityIds[1]}`,
    });
    expect(names(res.data)).toEqual(['Old logger', 'Warehouse logger']);
  });

  it.each(['operator', 'vendor'] as const)(
    'shows a %s only the devices of their facility, and 404 for another facility',
    async (role) => {
      const mine = await t.call(devices, { as: t.a.members[role], url: '/devices' });
      expect(names(mine.data)).toEqual(['Freezer 100%', 'Spare fridge', 'Vaccine fridge']);
      expect(mine.data.facilities.map((f: { id: string }) => f.id)).toEqual([t.a.facilityIds[0]]);
      const other = await t.call(devices, {
        as: t.a.members[role],
        url: `/devices?facility=${t.a.facilityIds[1]}`,
      });
      expect(other.status).toBe(404);
    },
  );

  it("shows another company's member none of these devices, even filtering by their facility", async () => {
    const all = await t.call(devices, { as: t.b.members.owner, url: '/devices' });
    expect(all.data.devices).toEqual([]);
    const filtered = await t.call(devices, {
      as: t.b.members.owner,
      url: `/devices?facility=${t.a.facilityIds[0]}`,
    });
    expect(filtered.data.devices).toEqual([]);
  });

  it.each([
    ['status=lost', 'status'],
    ['cursor=not-a-cursor', 'cursor'],
    [`q=${'x'.repeat(101)}`, 'q'],
  ])('answers %s with 422 naming the parameter', async (query, path) => {
    const res = await t.call(devices, { as: t.a.members.owner, url: `/devices?${query}` });
    expect(res.status).toBe(422);
    expect(res.data.errors.map((e: { path: string }) => e.path)).toEqual([path]);
  });

  it('pages through the list with a cursor, keeping the filters', async () => {
    const first = await t.call(devices, { as: t.a.members.owner, url: '/devices' });
    expect(first.data.nextCursor).toBeNull();
    // Beyond one page: company B gets 51 devices.
    const ctx = t.ctxFor(t.b.members.owner, t.b);
    for (let i = 0; i < 51; i++) {
      await createDevice({
        ctx,
        input: { name: `Sensor ${String(i).padStart(2, '0')}`, facilityId: t.b.facilityIds[0] },
      });
    }
    const page1 = await t.call(devices, { as: t.b.members.owner, url: '/devices?q=sensor' });
    expect(page1.data.devices).toHaveLength(50);
    expect(page1.data.nextCursor).toEqual(expect.any(String));
    const page2 = await t.call(devices, {
      as: t.b.members.owner,
      url: `/devices?q=sensor&cursor=${encodeURIComponent(page1.data.nextCursor)}`,
    });
    expect(names(page2.data)).toEqual(['Sensor 50']);
    expect(page2.data.filter).toMatchObject({ q: 'sensor' });
  });
});

describe('the registration form', () => {
  it('sends a signed-out visitor to the login page', async () => {
    const res = await t.call(register, { as: null, url: '/devices/new' });
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login?next=%2Fdevices%2Fnew');
  });

  it.each(NOT_REGISTRARS)('refuses a %s (403)', async (role) => {
    const res = await t.call(register, { as: t.a.members[role], url: '/devices/new' });
    expect(res.status).toBe(403);
  });

  it('offers every facility, or none, to an admin; preselects the one asked for', async () => {
    const [one, two] = t.a.facilityIds;
    const res = await t.call(register, {
      as: t.a.members.admin,
      url: `/devices/new?facilityId=${two}`,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.data.facilities.map((f: { id: string }) => f.id).sort()).toEqual([one, two].sort());
    expect(res.data.mayLeaveUnassigned).toBe(true);
    expect(res.data.defaultFacilityId).toBe(two);
  });

  it('offers a vendor only their facility and no "none"', async () => {
    const res = await t.call(register, {
      as: t.a.members.vendor,
      url: `/devices/new?facilityId=${t.a.facilityIds[1]}`,
    });
    expect(res.data.facilities.map((f: { id: string }) => f.id)).toEqual([t.a.facilityIds[0]]);
    expect(res.data.mayLeaveUnassigned).toBe(false);
    expect(res.data.defaultFacilityId).toBe(t.a.facilityIds[0]);
  });
});

describe('registering a device', () => {
  const form = (overrides: Record<string, string> = {}) => ({
    name: `Fridge ${newId('request').slice(-6)}`,
    facilityId: t.a.facilityIds[0],
    tags: 'vaccines, door-alarm',
    expectedIntervalSeconds: '300',
    model: 'TX-3',
    ...overrides,
  });

  it('sends a signed-out visitor to the login page and registers nothing', async () => {
    const before = await written();
    const res = await t.call(register, { as: null, url: '/devices/new', form: form() });
    expect(res.status).toBe(302);
    expect(await written()).toEqual(before);
  });

  it.each(NOT_REGISTRARS)('refuses a %s (403) and registers nothing', async (role) => {
    const before = await written();
    const res = await t.call(register, {
      as: t.a.members[role],
      url: '/devices/new',
      form: form(),
    });
    expect(res.status).toBe(403);
    expect(await written()).toEqual(before);
  });

  it('refuses a cross-origin form (403) and registers nothing', async () => {
    const before = await written();
    const res = await t.call(register, {
      as: t.a.members.owner,
      url: '/devices/new',
      form: form(),
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(await written()).toEqual(before);
  });

  it.each([
    [{ name: ' ' }, 'name'],
    [{ expectedIntervalSeconds: '0' }, 'expectedIntervalSeconds'],
    [{ expectedIntervalSeconds: 'often' }, 'expectedIntervalSeconds'],
    [{ expectedIntervalSeconds: '90000' }, 'expectedIntervalSeconds'],
    [{ tags: 'cold, cold' }, 'tags'],
    [{ tags: `ok, ${'x'.repeat(41)}` }, 'tags'],
    [{ model: 'm'.repeat(101) }, 'model'],
  ])('answers %j with 422 on its field and registers nothing', async (overrides, path) => {
    const before = await written();
    const res = await t.call(register, {
      as: t.a.members.manager,
      url: '/devices/new',
      form: form(overrides),
    });
    expect(res.status).toBe(422);
    expect(res.data.problem.errors.map((e: { path: string }) => e.path)).toEqual([path]);
    expect(await written()).toEqual(before);
  });

  it('names the second tag when it is the bad one', async () => {
    const res = await t.call(register, {
      as: t.a.members.owner,
      url: '/devices/new',
      form: form({ tags: `ok, ${'x'.repeat(41)}` }),
    });
    expect(res.data.problem.errors[0].message).toBe('tag 2: at most 40 characters per tag');
  });

  it("answers another company's facility with 422 on the facility field, registering nothing", async () => {
    const before = await written();
    const res = await t.call(register, {
      as: t.b.members.owner,
      url: '/devices/new',
      form: form({ facilityId: t.a.facilityIds[0] }),
    });
    expect(res.status).toBe(422);
    expect(res.data.problem.errors.map((e: { path: string }) => e.path)).toEqual(['facilityId']);
    expect(await written()).toEqual(before);
  });

  it('answers a vendor naming a facility outside theirs with 404, registering nothing', async () => {
    const before = await written();
    const res = await t.call(register, {
      as: t.a.members.vendor,
      url: '/devices/new',
      form: form({ facilityId: t.a.facilityIds[1] }),
    });
    expect(res.status).toBe(404);
    expect(await written()).toEqual(before);
  });

  it('requires a vendor to name a facility (422), registering nothing', async () => {
    const before = await written();
    const res = await t.call(register, {
      as: t.a.members.vendor,
      url: '/devices/new',
      form: form({ facilityId: '' }),
    });
    expect(res.status).toBe(422);
    expect(res.data.problem.errors.map((e: { path: string }) => e.path)).toEqual(['facilityId']);
    expect(await written()).toEqual(before);
  });

  it.each(REGISTRARS)(
    'lets a %s register one and shows its secret once, uncached',
    async (role) => {
      const input = form();
      const res = await t.call(register, {
        as: t.a.members[role],
        url: '/devices/new',
        form: input,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const { created } = res.data;
      expect(created).toMatchObject({
        name: input.name,
        ingestUrl: `${t.env.API_PUBLIC_URL!.replace(/\/$/, '')}/v1/ingest`,
      });
      const [row] = await t.db
        .select()
        .from(schema.devices)
        .where(eq(schema.devices.id, created.id));
      expect(row).toMatchObject({
        tenantId: t.a.tenantId,
        facilityId: t.a.facilityIds[0],
        tags: ['vaccines', 'door-alarm'],
        expectedIntervalSeconds: 300,
        model: 'TX-3',
        status: 'active',
      });
      // Stored sealed: the database holds no plaintext, and what it holds opens to this secret.
      const auth = await findDeviceAuth(t.db, created.id);
      expect(auth?.credentials).toHaveLength(1);
      const sealed = auth!.credentials[0]!.sealedSecret;
      expect(sealed).not.toContain(created.secret);
      const keyring = await parseKeyring(t.env.SECRETS_KEYRING!);
      expect(await openSecret(keyring, sealed)).toBe(created.secret);
      const [audit] = await t.db
        .select()
        .from(schema.auditLog)
        .where(
          and(
            eq(schema.auditLog.targetId, created.id),
            eq(schema.auditLog.action, 'device.create'),
          ),
        );
      expect(JSON.stringify(audit)).not.toContain(created.secret);
    },
  );

  it('never shows the secret again: not on the form, the list or the facility page', async () => {
    const res = await t.call(register, {
      as: t.a.members.owner,
      url: '/devices/new',
      form: form(),
    });
    const { secret, id } = res.data.created;
    const pages = await Promise.all([
      t.call(register, { as: t.a.members.owner, url: '/devices/new' }),
      t.call(devices, { as: t.a.members.owner, url: '/devices' }),
      t.call(facility, {
        as: t.a.members.owner,
        url: `/facilities/${t.a.facilityIds[0]}`,
        params: { facilityId: t.a.facilityIds[0] },
      }),
    ]);
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(JSON.stringify(page.data)).not.toContain(secret);
    }
    expect(JSON.stringify(pages[1]!.data)).toContain(id);
  });

  it('lets an admin register a device in no facility', async () => {
    const res = await t.call(register, {
      as: t.a.members.admin,
      url: '/devices/new',
      form: form({ facilityId: '', tags: '', expectedIntervalSeconds: '' }),
    });
    expect(res.status).toBe(200);
    const [row] = await t.db
      .select()
      .from(schema.devices)
      .where(eq(schema.devices.id, res.data.created.id));
    expect(row).toMatchObject({ facilityId: null, tags: [], expectedIntervalSeconds: 60 });
  });
});
