import { listAudit } from '@anythingiot/db';
import { beforeAll, describe, expect, it } from 'vitest';
import * as center from '../app/routes/_app.alerts._index';
import * as detail from '../app/routes/_app.alerts.$alertId';
import { seedDeviceAlert } from './alert-fixtures';
import { fingerprint } from './fingerprint';
import { useDashboard } from './harness';

const t = useDashboard();

// Alerts of company A in facility 1 (which operators and vendors see) and facility 2 (which
// they do not), and one of company B.
let a1: Awaited<ReturnType<typeof seedDeviceAlert>>;
let a2: Awaited<ReturnType<typeof seedDeviceAlert>>;
let b1: Awaited<ReturnType<typeof seedDeviceAlert>>;
beforeAll(async () => {
  a1 = await seedDeviceAlert(t, t.a, 0, { severity: 'warning', title: 'A1 above 8 °C' });
  a2 = await seedDeviceAlert(t, t.a, 1, { severity: 'critical', title: 'A2 above 8 °C' });
  b1 = await seedDeviceAlert(t, t.b, 0, { title: 'B1 above 8 °C' });
});

const open = (as: keyof typeof t.a.members, id: string, company = t.a) =>
  t.call(detail, { as: company.members[as], url: `/alerts/${id}`, params: { alertId: id } });
const post = (
  as: keyof typeof t.a.members | null,
  id: string,
  form: Record<string, string>,
  origin?: string | null,
) =>
  t.call(detail, {
    as: as ? t.a.members[as] : null,
    url: `/alerts/${id}`,
    params: { alertId: id },
    form,
    ...(origin !== undefined ? { origin } : {}),
  });
const ids = (data: { alerts: { id: string }[] }) => data.alerts.map((a) => a.id);

describe('alerts center (list)', () => {
  it('sends a signed-out visitor to log in', async () => {
    const res = await t.call(center, { as: null, url: '/alerts?status=active' });
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login?next=%2Falerts%3Fstatus%3Dactive');
  });

  it('lists the company’s alerts newest first, never another company’s', async () => {
    const res = await t.call(center, { as: t.a.members.auditor, url: '/alerts' });
    expect(res.status).toBe(200);
    expect(ids(res.data)).toEqual(expect.arrayContaining([a2.id, a1.id]));
    expect(ids(res.data)).not.toContain(b1.id);
    expect(ids(res.data).indexOf(a2.id)).toBeLessThan(ids(res.data).indexOf(a1.id));
    expect(res.data.facilities.map((f: { id: string }) => f.id)).toEqual(t.a.facilityIds);
  });

  it('shows a facility-limited member only their facility, and 404 for the other', async () => {
    for (const role of ['operator', 'vendor'] as const) {
      const res = await t.call(center, { as: t.a.members[role], url: '/alerts' });
      expect(ids(res.data), role).toContain(a1.id);
      expect(ids(res.data), role).not.toContain(a2.id);
      expect(res.data.facilities.map((f: { id: string }) => f.id)).toEqual([t.a.facilityIds[0]]);
      const other = await t.call(center, {
        as: t.a.members[role],
        url: `/alerts?facilityId=${t.a.facilityIds[1]}`,
      });
      expect(other.status, role).toBe(404);
    }
  });

  it('filters by status, severity, facility, device and day', async () => {
    const owner = t.a.members.owner;
    const q = async (query: string) =>
      ids((await t.call(center, { as: owner, url: `/alerts?${query}` })).data);
    expect(await q('severity=critical')).toContain(a2.id);
    expect(await q('severity=critical')).not.toContain(a1.id);
    expect(await q('status=resolved')).not.toContain(a1.id);
    expect(await q(`facilityId=${t.a.facilityIds[0]}`)).toEqual([a1.id]);
    expect(await q(`deviceId=${a2.deviceId}`)).toEqual([a2.id]);
    // Days are the company's (Europe/Berlin); "to" is inclusive.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(
      new Date(),
    );
    expect(await q(`from=${today}&to=${today}`)).toEqual(expect.arrayContaining([a1.id, a2.id]));
    expect(await q('to=2020-01-01')).toEqual([]);
  });

  it.each([
    ['status=open', 'status'],
    ['severity=high', 'severity'],
    ['from=2026-02-30', 'from'],
    ['from=yesterday', 'from'],
    ['from=2026-03-02&to=2026-03-01', 'to'],
    ['cursor=zzz', 'cursor'],
  ])('refuses the filter %s with 422 on the field', async (query, field) => {
    const res = await t.call(center, { as: t.a.members.owner, url: `/alerts?${query}` });
    expect(res.status).toBe(422);
    expect(res.data.problem.errors.map((e: { path: string }) => e.path)).toContain(field);
    expect(res.data.alerts).toEqual([]);
  });

  it('pages with a cursor', async () => {
    await seedDeviceAlert(t, t.a, 0);
    const first = await t.call(center, { as: t.a.members.owner, url: '/alerts' });
    expect(first.data.nextCursor).toBeNull();
    // 50 per page: add enough to need a second one.
    const seeded = [];
    for (let i = 0; i < 51; i++)
      seeded.push(await seedDeviceAlert(t, t.a, 0, { severity: 'info' }));
    const one = await t.call(center, { as: t.a.members.owner, url: '/alerts?severity=info' });
    expect(one.data.alerts).toHaveLength(50);
    expect(one.data.nextCursor).toEqual(expect.any(String));
    const two = await t.call(center, {
      as: t.a.members.owner,
      url: `/alerts?severity=info&cursor=${one.data.nextCursor}`,
    });
    expect(ids(two.data)).toEqual([seeded[0]!.id]);
    expect(two.data.nextCursor).toBeNull();
  });
});

describe('alert detail', () => {
  it('sends a signed-out visitor to log in', async () => {
    const res = await t.call(detail, {
      as: null,
      url: `/alerts/${a1.id}`,
      params: { alertId: a1.id },
    });
    expect(res.status).toBe(302);
  });

  it('shows the alert with its timeline to every role, controls by permission', async () => {
    const owner = await open('owner', a1.id);
    expect(owner.status).toBe(200);
    expect(owner.data.alert).toMatchObject({ id: a1.id, status: 'active', peak: '9.1 °C' });
    expect(owner.data.timeline.map((e: { type: string }) => e.type)).toEqual(['raised']);
    expect(owner.data.timeline[0].actor).toBe('AnythingIoT (rule evaluation)');
    expect(owner.data.facility).toEqual({ id: t.a.facilityIds[0], name: 'Alpha Pharma Cold Room' });
    expect(owner.data).toMatchObject({ canAcknowledge: true, canResolve: true });
    const auditor = await open('auditor', a1.id);
    expect(auditor.data).toMatchObject({ canAcknowledge: false, canResolve: false });
    const vendor = await open('vendor', a1.id);
    expect(vendor.data).toMatchObject({ canAcknowledge: true, canResolve: false });
  });

  it('answers 404 for another company’s alert, another facility’s, and nonsense', async () => {
    expect((await open('owner', b1.id)).status).toBe(404);
    expect((await open('operator', a2.id)).status).toBe(404);
    expect((await open('vendor', a2.id)).status).toBe(404);
    expect((await open('owner', 'alr_doesnotexist0000000')).status).toBe(404);
    expect((await open('owner', 'not-an-id')).status).toBe(404);
  });
});

describe('acknowledging and resolving', () => {
  async function refusedWithoutWriting(
    run: () => ReturnType<typeof post>,
    status: number,
    field?: string,
  ) {
    const before = await fingerprint(t.db);
    const res = await run();
    expect(res.status).toBe(status);
    if (field) {
      expect(res.data.problem.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    expect(await fingerprint(t.db)).toEqual(before);
    return res;
  }
  const ack = (version = 1) => ({
    intent: 'acknowledge',
    comment: 'on it',
    version: String(version),
  });

  it('refuses a signed-out visitor and a cross-site form', async () => {
    const alert = await seedDeviceAlert(t, t.a, 0);
    const out = await refusedWithoutWriting(() => post(null, alert.id, ack()), 302);
    expect(out.location).toMatch(/^\/login/);
    await refusedWithoutWriting(() => post('owner', alert.id, ack(), 'https://evil.example'), 403);
    await refusedWithoutWriting(() => post('owner', alert.id, ack(), null), 403);
  });

  it('refuses roles without the permission (403)', async () => {
    const alert = await seedDeviceAlert(t, t.a, 0);
    await refusedWithoutWriting(() => post('auditor', alert.id, ack()), 403);
    await refusedWithoutWriting(
      () => post('auditor', alert.id, { intent: 'resolve', reason: 'x', version: '1' }),
      403,
    );
    await refusedWithoutWriting(
      () => post('vendor', alert.id, { intent: 'resolve', reason: 'x', version: '1' }),
      403,
    );
  });

  it('answers 404 for another company’s or facility’s alert and writes nothing', async () => {
    await refusedWithoutWriting(() => post('owner', b1.id, ack()), 404);
    await refusedWithoutWriting(() => post('operator', a2.id, ack()), 404);
    await refusedWithoutWriting(() => post('vendor', a2.id, ack()), 404);
    await refusedWithoutWriting(
      () => post('operator', a2.id, { intent: 'resolve', reason: 'gone', version: '1' }),
      404,
    );
  });

  it.each([
    [{ intent: 'acknowledge', version: '1' }, 'comment'],
    [{ intent: 'acknowledge', comment: '   ', version: '1' }, 'comment'],
    [{ intent: 'acknowledge', reasonCode: 'other', version: '1' }, 'comment'],
    [{ intent: 'acknowledge', reasonCode: 'bored', comment: 'x', version: '1' }, 'reasonCode'],
    [{ intent: 'acknowledge', comment: 'x'.repeat(2_001), version: '1' }, 'comment'],
    [{ intent: 'acknowledge', comment: 'x', version: 'one' }, 'version'],
    [{ intent: 'resolve', reason: '  ', version: '1' }, 'reason'],
    [{ intent: 'resolve', version: '1' }, 'reason'],
  ])('refuses %j with 422 on the field, writing nothing', async (form, field) => {
    const alert = await seedDeviceAlert(t, t.a, 0);
    await refusedWithoutWriting(() => post('operator', alert.id, form), 422, field);
  });

  it('refuses an unknown intent', async () => {
    const alert = await seedDeviceAlert(t, t.a, 0);
    await refusedWithoutWriting(() => post('owner', alert.id, { intent: 'delete' }), 400);
  });

  it('lets an operator acknowledge with a comment: status, timeline and audit say who and why', async () => {
    const alert = await seedDeviceAlert(t, t.a, 0);
    const res = await post('operator', alert.id, {
      intent: 'acknowledge',
      reasonCode: 'door_left_open',
      comment: 'Door closed, product checked',
      version: String(alert.version),
    });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ ok: 'acknowledged' });
    const after = await open('operator', alert.id);
    expect(after.data.alert).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'Alpha Pharma operator',
      ackReason: 'Door left open',
      ackComment: 'Door closed, product checked',
    });
    expect(after.data.timeline.at(-1)).toMatchObject({
      type: 'acknowledged',
      actor: 'Alpha Pharma operator',
      note: 'Door left open — Door closed, product checked',
    });
    expect(after.data.canAcknowledge).toBe(false);
    const audit = await listAudit(t.db, t.a.tenantId);
    expect(audit.at(-1)).toMatchObject({
      action: 'alert.acknowledged',
      actor: { type: 'user', id: t.a.members.operator.userId },
      target: { type: 'alert', id: alert.id },
      reason: 'Door closed, product checked',
    });
  });

  it('resolves by hand with a reason', async () => {
    const alert = await seedDeviceAlert(t, t.a, 0);
    const res = await post('manager', alert.id, {
      intent: 'resolve',
      reason: 'Stock discarded',
      version: String(alert.version),
    });
    expect(res.data).toEqual({ ok: 'resolved' });
    const after = await open('manager', alert.id);
    expect(after.data.alert).toMatchObject({
      status: 'resolved',
      resolution: 'Stock discarded',
      resolvedBy: 'Alpha Pharma manager',
    });
    expect(after.data).toMatchObject({ canAcknowledge: false, canResolve: false });
  });

  it('answers 409 when someone changed the alert since the page was loaded, writing nothing', async () => {
    const alert = await seedDeviceAlert(t, t.a, 0);
    // The operator acknowledges; the manager still has the page from before (version 1).
    await post('operator', alert.id, ack(alert.version));
    const res = await refusedWithoutWriting(
      () =>
        post('manager', alert.id, {
          intent: 'resolve',
          reason: 'late',
          version: String(alert.version),
        }),
      409,
    );
    expect(res.data.problem.code).toBe('concurrent_change');
    // A second acknowledgement of the (now acknowledged) alert is a conflict too.
    const again = await refusedWithoutWriting(() => post('manager', alert.id, ack(2)), 409);
    expect(again.data.problem.code).toBe('already_acknowledged');
  });
});
