import type { Role } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { createDevice, revokeDevice } from '@anythingiot/services';
import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as devicePage from '../app/routes/_app.devices.$deviceId';
import * as facilityPage from '../app/routes/_app.facilities.$facilityId';
import { fingerprint } from './fingerprint';
import { type Company, useDashboard } from './harness';

// Commands from the dashboard: the device page's panel (send one, list the latest) and the
// facility page's bulk command (review the number of devices, then send). Operators and above
// may command devices; auditors never; a member limited to facilities only commands theirs.

const t = useDashboard();

const COMMANDERS: Role[] = ['owner', 'admin', 'manager', 'operator', 'vendor'];

let fridge: string; // company A, facility 1
let freezer: string; // company A, facility 1
let retired: string; // company A, facility 1, revoked
let warehouse: string; // company A, facility 2 (operators and vendors do not see it)
let ofCompanyB: string;

async function seedDevice(company: Company, facilityId: string, name: string) {
  const ctx = t.ctxFor(company.members.owner, company);
  return (await createDevice({ ctx, input: { name, facilityId, expectedIntervalSeconds: 60 } }))
    .device.id;
}

beforeAll(async () => {
  const [one, two] = t.a.facilityIds;
  fridge = await seedDevice(t.a, one, 'Vaccine fridge');
  freezer = await seedDevice(t.a, one, 'Plasma freezer');
  retired = await seedDevice(t.a, one, 'Old fridge');
  await revokeDevice({ ctx: t.ctxFor(t.a.members.owner, t.a), input: { id: retired } });
  warehouse = await seedDevice(t.a, two, 'Warehouse logger');
  ofCompanyB = await seedDevice(t.b, t.b.facilityIds[0], 'Beta chiller');
});

let keys = 0;
/** A filled-in command form as the browser posts it (a fresh idempotency key unless given). */
const commandForm = (fields: Record<string, string> = {}) => ({
  intent: 'command',
  type: 'set_report_interval',
  'payload.seconds': '30',
  ttlAmount: '1',
  ttlUnit: 'hours',
  idempotencyKey: `test-key-${++keys}-${Date.now()}`,
  ...fields,
});

const sendTo = (deviceId: string, as: Role | null, form = commandForm(), company = t.a) =>
  t.call(devicePage, {
    as: as ? company.members[as] : null,
    url: `/devices/${deviceId}`,
    params: { deviceId },
    form,
  });

const commandsOf = (deviceIds: string[]) =>
  t.db.select().from(schema.commands).where(inArray(schema.commands.deviceId, deviceIds));

const auditOf = (commandId: string) =>
  t.db
    .select()
    .from(schema.auditLog)
    .where(
      and(eq(schema.auditLog.targetId, commandId), eq(schema.auditLog.action, 'command.create')),
    );

describe('the device page’s commands', () => {
  it('sends a signed-out visitor to the login page, writing nothing', async () => {
    const before = await fingerprint(t.db);
    const res = await sendTo(fridge, null);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/login?next=${encodeURIComponent(`/devices/${fridge}`)}`);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('shows the panel (latest commands, the standard list, a fresh key) to every role that may command, never to an auditor', async () => {
    for (const role of COMMANDERS) {
      const res = await t.call(devicePage, {
        as: t.a.members[role],
        url: `/devices/${fridge}`,
        params: { deviceId: fridge },
      });
      expect(res.status, role).toBe(200);
      expect(res.data.commands.items, role).toEqual(expect.any(Array));
      expect(res.data.commands.form.types.map((c: { type: string }) => c.type)).toEqual([
        'ping',
        'set_report_interval',
        'reboot',
        'update_firmware',
      ]);
      expect(res.data.commands.form.key).toMatch(/^[0-9a-f-]{36}$/);
    }
    const auditor = await t.call(devicePage, {
      as: t.a.members.auditor,
      url: `/devices/${fridge}`,
      params: { deviceId: fridge },
    });
    expect(auditor.status).toBe(200);
    expect(auditor.data.commands).toBeNull();
    // Each render has a key of its own.
    const again = await t.call(devicePage, {
      as: t.a.members.owner,
      url: `/devices/${fridge}`,
      params: { deviceId: fridge },
    });
    const first = await t.call(devicePage, {
      as: t.a.members.owner,
      url: `/devices/${fridge}`,
      params: { deviceId: fridge },
    });
    expect(again.data.commands.form.key).not.toBe(first.data.commands.form.key);
  });

  it('refuses an auditor with 403, writing nothing', async () => {
    const before = await fingerprint(t.db);
    const res = await sendTo(fridge, 'auditor');
    expect(res.status).toBe(403);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('answers another company’s device, and one outside a limited member’s facility, with 404, writing nothing', async () => {
    const before = await fingerprint(t.db);
    expect((await sendTo(ofCompanyB, 'owner')).status).toBe(404);
    expect((await sendTo(warehouse, 'operator')).status).toBe(404);
    expect((await sendTo(warehouse, 'vendor')).status).toBe(404);
    expect((await sendTo('dev_nonexistent', 'owner')).status).toBe(404);
    expect(await fingerprint(t.db)).toEqual(before);
    // Nor does a limited member's page show it.
    const page = await t.call(devicePage, {
      as: t.a.members.operator,
      url: `/devices/${warehouse}`,
      params: { deviceId: warehouse },
    });
    expect(page.status).toBe(404);
  });

  it('refuses a cross-origin post with 403, writing nothing', async () => {
    const before = await fingerprint(t.db);
    const res = await t.call(devicePage, {
      as: t.a.members.owner,
      url: `/devices/${fridge}`,
      params: { deviceId: fridge },
      form: commandForm(),
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('answers bad input with 422 and every field’s error, writing nothing', async () => {
    const before = await fingerprint(t.db);
    const bad = await sendTo(
      fridge,
      'operator',
      commandForm({ 'payload.seconds': 'soon', ttlAmount: '0', ttlUnit: 'hours' }),
    );
    expect(bad.status).toBe(422);
    expect(bad.data.intent).toBe('command');
    expect(bad.data.problem.errors).toEqual(
      expect.arrayContaining([
        { path: 'payload.seconds', message: 'must be a whole number of seconds' },
        { path: 'ttlAmount', message: 'at least 1 second' },
      ]),
    );
    const cases: [Record<string, string>, string, string][] = [
      [{ type: 'self_destruct' }, 'type', 'choose one of the listed commands'],
      [{ 'payload.seconds': '' }, 'payload.seconds', 'required'],
      [{ 'payload.seconds': '90000' }, 'payload.seconds', 'at most 86400 seconds (one day)'],
      [{ ttlAmount: '8', ttlUnit: 'days' }, 'ttlAmount', 'at most 604800 seconds (7 days)'],
      [{ ttlAmount: '' }, 'ttlAmount', 'required'],
      [{ ttlAmount: 'soon' }, 'ttlAmount', 'must be a positive number'],
      [{ ttlUnit: 'weeks' }, 'ttlUnit', 'choose seconds, minutes, hours or days'],
      [
        { type: 'update_firmware', 'payload.version': '2.0', 'payload.url': 'ftp://x' },
        'payload.url',
        'must be an https:// address',
      ],
    ];
    for (const [fields, path, message] of cases) {
      const res = await sendTo(fridge, 'operator', commandForm(fields));
      expect(res.status, path).toBe(422);
      expect(res.data.problem.errors, JSON.stringify(fields)).toContainEqual({ path, message });
    }
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('refuses a revoked device with 409, writing nothing', async () => {
    const before = await fingerprint(t.db);
    const res = await sendTo(retired, 'owner');
    expect(res.status).toBe(409);
    expect(res.data.problem.detail).toBe('A revoked device cannot receive commands.');
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('sends a command, audited as the member; the same form twice makes one command', async () => {
    const form = commandForm({ ttlAmount: '90', ttlUnit: 'seconds' });
    const first = await sendTo(freezer, 'operator', form);
    expect(first.status).toBe(200);
    expect(first.data).toMatchObject({
      intent: 'command',
      created: true,
      command: {
        deviceId: freezer,
        type: 'set_report_interval',
        label: 'Set report interval',
        payload: 'seconds: 30',
        status: 'pending',
        deliveryCount: 0,
        sentAt: null,
      },
    });
    const id = first.data.command.id as string;
    const [row] = await commandsOf([freezer]);
    expect(row).toMatchObject({
      id,
      payload: { seconds: 30 },
      ttlSeconds: 90,
      idempotencyKey: form.idempotencyKey,
      createdBy: { type: 'user', id: t.a.members.operator.userId },
    });
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(90_000);
    const audit = await auditOf(id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: 'user', actorId: t.a.members.operator.userId });

    const before = await fingerprint(t.db);
    const second = await sendTo(freezer, 'operator', form);
    expect(second.status).toBe(200);
    expect(second.data).toMatchObject({ created: false, command: { id } });
    expect(await fingerprint(t.db)).toEqual(before);
    expect(await commandsOf([freezer])).toHaveLength(1);

    // The same key with another command is a conflict the form shows; nothing changes.
    const reused = await sendTo(freezer, 'operator', { ...form, type: 'ping' });
    expect(reused.status).toBe(409);
    expect(reused.data.problem.code).toBe('idempotency_key_reused');
    expect(await fingerprint(t.db)).toEqual(before);

    // The page lists it.
    const page = await t.call(devicePage, {
      as: t.a.members.vendor,
      url: `/devices/${freezer}`,
      params: { deviceId: freezer },
    });
    expect(page.data.commands.items).toEqual([
      expect.objectContaining({ id, status: 'pending', label: 'Set report interval' }),
    ]);
  });
});

describe('the facility page’s bulk command', () => {
  const [facilityOne, facilityTwo] = [() => t.a.facilityIds[0], () => t.a.facilityIds[1]];
  const bulkForm = (intent: 'command-review' | 'command-send', fields = {}) => ({
    intent,
    type: 'ping',
    ttlAmount: '10',
    ttlUnit: 'minutes',
    idempotencyKey: `bulk-key-${++keys}-${Date.now()}`,
    ...fields,
  });
  const post = (
    facilityId: string,
    as: Role | null,
    form: Record<string, string>,
    company = t.a,
    origin?: string,
  ) =>
    t.call(facilityPage, {
      as: as ? company.members[as] : null,
      url: `/facilities/${facilityId}`,
      params: { facilityId },
      form,
      ...(origin ? { origin } : {}),
    });

  it('offers the form to members who may command, not to auditors', async () => {
    const operator = await t.call(facilityPage, {
      as: t.a.members.operator,
      url: `/facilities/${facilityOne()}`,
      params: { facilityId: facilityOne() },
    });
    expect(operator.data.commandForm.types).toHaveLength(4);
    const auditor = await t.call(facilityPage, {
      as: t.a.members.auditor,
      url: `/facilities/${facilityOne()}`,
      params: { facilityId: facilityOne() },
    });
    expect(auditor.data.commandForm).toBeNull();
  });

  it('refuses the signed out, auditors, cross-origin posts, other facilities and companies, writing nothing', async () => {
    const before = await fingerprint(t.db);
    for (const intent of ['command-review', 'command-send'] as const) {
      const form = bulkForm(intent, { confirmDevices: '2' });
      expect((await post(facilityOne(), null, form)).status).toBe(302);
      expect((await post(facilityOne(), 'auditor', form)).status).toBe(403);
      expect((await post(facilityOne(), 'owner', form, t.a, 'https://evil.example')).status).toBe(
        403,
      );
      expect((await post(facilityTwo(), 'operator', form)).status).toBe(404);
      expect((await post(t.b.facilityIds[0], 'owner', form)).status).toBe(404);
      expect((await post('fac_nonexistent', 'owner', form)).status).toBe(404);
    }
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('answers bad input with 422 and the field’s error, writing nothing', async () => {
    const before = await fingerprint(t.db);
    for (const intent of ['command-review', 'command-send'] as const) {
      const res = await post(
        facilityOne(),
        'operator',
        bulkForm(intent, { type: 'set_report_interval', confirmDevices: '2' }),
      );
      expect(res.status).toBe(422);
      expect(res.data.problem.errors).toEqual([{ path: 'payload.seconds', message: 'required' }]);
    }
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('reviews: counts the active devices it would reach, writing nothing', async () => {
    const before = await fingerprint(t.db);
    const res = await post(
      facilityOne(),
      'operator',
      bulkForm('command-review', { type: 'set_report_interval', 'payload.seconds': '120' }),
    );
    expect(res.status).toBe(200);
    // The fridge and the freezer; the revoked one is left out.
    expect(res.data.review).toEqual({
      devices: 2,
      tooMany: false,
      limit: 1000,
      label: 'Set report interval',
      payload: 'seconds: 120',
      ttl: '10 minutes',
    });
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('sends nothing when the number confirmed is not the number now (409 with a fresh review)', async () => {
    const before = await fingerprint(t.db);
    for (const confirmDevices of ['3', '', '0']) {
      const res = await post(
        facilityOne(),
        'operator',
        bulkForm('command-send', { confirmDevices }),
      );
      expect(res.status).toBe(409);
      expect(res.data).toMatchObject({
        intent: 'command-review',
        review: { devices: 2 },
        problem: { code: 'device_count_changed' },
      });
    }
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('sends one command per active device, each audited; the same form twice sends nothing more', async () => {
    const form = bulkForm('command-send', { type: 'reboot', confirmDevices: '2' });
    const before = (await commandsOf([fridge, freezer, retired, warehouse])).length;
    const res = await post(facilityOne(), 'operator', form);
    expect(res.status).toBe(200);
    expect(res.data.sent.created).toBe(2);
    expect(res.data.sent.label).toBe('Reboot');
    const sent = res.data.sent.commands as { id: string; deviceId: string; status: string }[];
    expect(sent.map((c) => c.deviceId).sort()).toEqual([fridge, freezer].sort());
    expect(sent.every((c) => c.status === 'pending')).toBe(true);
    for (const c of sent) expect(await auditOf(c.id)).toHaveLength(1);
    const rows = await commandsOf([fridge, freezer, retired, warehouse]);
    expect(rows).toHaveLength(before + 2);
    expect(rows.filter((r) => r.type === 'reboot').map((r) => r.ttlSeconds)).toEqual([600, 600]);

    const snapshot = await fingerprint(t.db);
    const again = await post(facilityOne(), 'operator', form);
    expect(again.status).toBe(200);
    expect(again.data.sent.created).toBe(0);
    expect((again.data.sent.commands as { id: string }[]).map((c) => c.id).sort()).toEqual(
      sent.map((c) => c.id).sort(),
    );
    expect(await fingerprint(t.db)).toEqual(snapshot);
  });

  it('refuses the facility’s details form (intent update) to operators', async () => {
    const id = facilityOne();
    const operator = await post(id, 'operator', {
      intent: 'update',
      name: 'Renamed',
      type: 'cold_room',
      address: '',
      timeZone: 'Europe/Berlin',
    });
    expect(operator.status).toBe(403);
  });
});
