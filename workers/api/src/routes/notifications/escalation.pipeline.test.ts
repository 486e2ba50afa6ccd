import { facilityRepo, schema } from '@anythingiot/db';
import { DELIVER_JOB_PATH, ESCALATE_JOB_PATH, startEscalation } from '@anythingiot/services';
import { Client } from '@upstash/qstash';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  seedNotifiedDevice,
  settledDeliveries,
  useOnlyPolicy,
} from '../../../test/notify-fixtures.js';
import {
  caught,
  type ServedApp,
  seedMember,
  serveApp,
  waitFor,
} from '../../../test/notify-stack.js';
import { call, seedAlert, seedTenant } from '../../../test/tenant-fixtures.js';
import { notificationPorts } from '../../service-ports.js';

// The whole pipeline on the real stack: the app served over HTTP, the QStash emulator
// delivering its jobs back signed, Resend and SMS calls landing in the catcher.
const SYSTEM = { actor: { type: 'system' as const, id: 'test' }, requestId: null };
let s: ServedApp;
let qstash: Client;
let tenantId: string;
let key: string;
let deviceId: string;
let facilityId: string;

beforeAll(async () => {
  s = await serveApp('notify_e2e');
  qstash = new Client({ baseUrl: s.db.env.QSTASH_URL!, token: s.db.env.QSTASH_TOKEN! });
  ({ tenantId, key } = await seedTenant(s.db, 'Cold Chain Ltd'));
  const db = s.db.handle.db;
  facilityId = (
    await facilityRepo(db, tenantId).create(
      { name: 'Pharmacy Leeds', type: 'pharmacy', timeZone: 'Europe/London' },
      SYSTEM,
    )
  ).id;
  deviceId = await seedNotifiedDevice(s.db, tenantId, { name: 'Vaccine fridge 1', facilityId });
});
afterAll(() => s?.close());

const deliveriesOf = (alertId: string) =>
  s.db.handle.db
    .select()
    .from(schema.deliveries)
    .where(eq(schema.deliveries.alertId, alertId))
    .orderBy(schema.deliveries.tier, schema.deliveries.channel, schema.deliveries.recipient);

const timelineOf = async (alertId: string) =>
  (
    await s.db.handle.db
      .select()
      .from(schema.alertEvents)
      .where(eq(schema.alertEvents.alertId, alertId))
      .orderBy(schema.alertEvents.id)
  ).map((e) => ({ type: e.type, tier: (e.detail as { tier?: number } | null)?.tier }));

/** Publishes a job again the way QStash redelivers one: signed, without a deduplication id. */
async function redeliver(path: string, body: unknown) {
  const { messageId } = await qstash.publishJSON({ url: `${s.base}${path}`, body });
  expect((await s.answerTo(messageId)).status).toBe(200);
}

/** An alert raised `agoMs` before now (so a later tier can be due seconds from now). */
async function raise(severity: 'warning' | 'critical', agoMs = 0) {
  const alert = await seedAlert(s.db, tenantId, deviceId, { facilityId, severity });
  await s.db.handle.db
    .update(schema.alerts)
    .set({ raisedAt: new Date(Date.now() - agoMs) })
    .where(eq(schema.alerts.id, alert.id));
  return alert;
}

describe('tier 1', () => {
  let alertId: string;
  let manager: { userId: string; email: string };
  let operator: { userId: string; email: string };

  beforeAll(async () => {
    manager = await seedMember(s.db, tenantId, { role: 'manager' });
    operator = await seedMember(s.db, tenantId, {
      role: 'operator',
      facilityIds: [facilityId],
      prefs: { channels: ['email'], quietHours: null, timeZone: 'Europe/London' },
    });
    // Not reached: another facility's operator, a deactivated manager, an auditor.
    const elsewhere = await facilityRepo(s.db.handle.db, tenantId).create(
      { name: 'Depot' },
      SYSTEM,
    );
    await seedMember(s.db, tenantId, { role: 'operator', facilityIds: [elsewhere.id] });
    await seedMember(s.db, tenantId, { role: 'manager', deactivated: true });
    await seedMember(s.db, tenantId, { role: 'auditor' });
    await useOnlyPolicy(s.db, tenantId, [
      {
        afterMinutes: 0,
        recipients: { roles: ['manager', 'operator'] },
        channels: ['email', 'in_app'],
      },
      { afterMinutes: 60, recipients: { roles: ['owner'] }, channels: ['email'] },
    ]);
    alertId = (await raise('critical')).id;
    await startEscalation({
      ctx: { ports: notificationPorts(s.deps) },
      input: { tenantId, alertId },
    });
  });

  it('emails each tier-1 recipient once with the deep link, lists it in-app, records provider ids', async () => {
    const rows = await settledDeliveries(s.db, alertId, 3);
    expect(rows.map((r) => [r.channel, r.recipient, r.status, r.attempts, r.tier])).toEqual(
      [
        ['email', manager.email, 'sent', 1, 1],
        ['email', operator.email, 'sent', 1, 1],
        ['in_app', manager.userId, 'sent', 1, 1],
      ].sort(
        (a, b) =>
          String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])),
      ),
    );
    // An in-app delivery's provider id is the notification it put on the user's list.
    expect(rows.find((r) => r.channel === 'in_app')?.providerId).toMatch(/^ntf_/);

    for (const person of [manager, operator]) {
      const mails = await caught({ kind: 'email', to: person.email });
      expect(mails).toHaveLength(1);
      const mail = mails[0]!;
      if (mail.kind !== 'email') throw new Error('not an email');
      expect(mail.payload.subject).toContain('[CRITICAL]');
      expect(mail.payload.subject).toContain('Vaccine fridge 1 (Pharmacy Leeds)');
      expect(mail.payload.html).toContain(`http://127.0.0.1:5173/alerts/${alertId}`);
      expect(mail.payload.text).toContain(`http://127.0.0.1:5173/alerts/${alertId}`);
      // The Resend id the catcher gave is what the delivery recorded.
      expect(rows.find((r) => r.recipient === person.email)?.providerId).toBe(mail.id);
    }
    const inApp = await call(
      s.app,
      key,
      'GET',
      `/v1/users/${manager.userId}/notifications?unread=true`,
    );
    expect(inApp.status).toBe(200);
    expect((await inApp.json()).items).toMatchObject([{ alertId, title: expect.any(String) }]);
    expect(await timelineOf(alertId)).toEqual([
      { type: 'raised', tier: undefined },
      { type: 'notified', tier: 1 },
    ]);
  });

  it('redelivered escalate and deliver jobs change nothing', async () => {
    const rows = await settledDeliveries(s.db, alertId, 3);
    await redeliver(ESCALATE_JOB_PATH, { tenantId, alertId });
    for (const r of rows) await redeliver(DELIVER_JOB_PATH, { tenantId, deliveryId: r.id });
    expect(await deliveriesOf(alertId)).toEqual(rows);
    expect(await timelineOf(alertId)).toHaveLength(2);
    expect(await caught({ kind: 'email', to: manager.email })).toHaveLength(1);
    const { rows: inApp } = await s.db.handle.db.execute(
      sql`select count(*)::int as n from in_app_notifications where alert_id = ${alertId}`,
    );
    expect(inApp[0]).toEqual({ n: 1 });
  });
});

describe('tier 2', () => {
  let manager: { userId: string; email: string };
  const phone = `+4477009${String(Date.now()).slice(-5)}`;

  beforeAll(async () => {
    manager = await seedMember(s.db, tenantId, {
      role: 'owner',
      prefs: { channels: ['email', 'sms'], quietHours: null, timeZone: 'UTC', phone },
    });
    await useOnlyPolicy(s.db, tenantId, [
      { afterMinutes: 0, recipients: { userIds: [manager.userId] }, channels: ['email'] },
      { afterMinutes: 1, recipients: { userIds: [manager.userId] }, channels: ['sms'] },
    ]);
  });

  it('escalates by SMS after the tier delay when nobody acknowledges', async () => {
    // Raised 57 s ago: tier 2 (after 1 minute) is due in about 3 s, on QStash's own delay.
    const { id: alertId } = await raise('critical', 57_000);
    await startEscalation({
      ctx: { ports: notificationPorts(s.deps) },
      input: { tenantId, alertId },
    });
    await settledDeliveries(s.db, alertId, 1);
    const rows = await settledDeliveries(s.db, alertId, 2);
    expect(rows.map((r) => [r.tier, r.channel, r.recipient, r.status])).toEqual([
      [1, 'email', manager.email, 'sent'],
      [2, 'sms', phone, 'sent'],
    ]);
    const sms = await caught({ kind: 'sms', to: phone });
    expect(sms).toHaveLength(1);
    if (sms[0]?.kind !== 'sms') throw new Error('not an SMS');
    expect(sms[0].payload.body).toContain(
      '[CRITICAL - ESCALATED] Vaccine fridge 1 @ Pharmacy Leeds',
    );
    expect(sms[0].payload.body).toContain(`/alerts/${alertId}`);
    expect(sms[0].payload.numSegments).toBeLessThanOrEqual(2);
    expect(rows[1]?.providerId).toBe(sms[0].id);
    expect(await timelineOf(alertId)).toEqual([
      { type: 'raised', tier: undefined },
      { type: 'notified', tier: 1 },
      { type: 'escalated', tier: 2 },
    ]);
  });

  it('does not escalate an alert acknowledged before tier 2 is due', async () => {
    const { id: alertId } = await raise('critical', 56_000);
    await startEscalation({
      ctx: { ports: notificationPorts(s.deps) },
      input: { tenantId, alertId },
    });
    await settledDeliveries(s.db, alertId, 1);
    const ack = await call(s.app, key, 'POST', `/v1/alerts/${alertId}/acknowledge`, {
      reasonCode: 'investigating',
      comment: 'on my way',
    });
    expect(ack.status).toBe(200);
    // The escalate run QStash delivers at the tier-2 time (its body names that time).
    const tier2Run = await waitFor(() =>
      s.answered.find(
        (a) => a.path === ESCALATE_JOB_PATH && a.body.includes(alertId) && a.body.includes('"at"'),
      ),
    );
    expect(tier2Run.status).toBe(200);
    expect(JSON.parse(tier2Run.body)).toMatchObject({ alertId });
    expect((await deliveriesOf(alertId)).map((r) => r.tier)).toEqual([1]);
    expect((await timelineOf(alertId)).map((e) => e.type)).not.toContain('escalated');
  });
});

describe('repeats', () => {
  it('repeat the policy until the cap while nobody acknowledges, then stop', async () => {
    const owner = await seedMember(s.db, tenantId, { role: 'owner' });
    await useOnlyPolicy(
      s.db,
      tenantId,
      [{ afterMinutes: 0, recipients: { userIds: [owner.userId] }, channels: ['email'] }],
      { repeatEveryMinutes: 1, maxRepeats: 1 },
    );
    // Raised 57 s ago: the one allowed repeat (1 minute after tier 1) is due in about 3 s.
    const { id: alertId } = await raise('critical', 57_000);
    await startEscalation({
      ctx: { ports: notificationPorts(s.deps) },
      input: { tenantId, alertId },
    });
    const rows = await settledDeliveries(s.db, alertId, 2);
    expect(rows.map((r) => [r.tier, r.repeat, r.channel, r.status])).toEqual([
      [1, 0, 'email', 'sent'],
      [1, 1, 'email', 'sent'],
    ]);
    const mails = await caught({ kind: 'email', to: owner.email });
    expect(mails.map((m) => m.kind === 'email' && m.payload.subject.split(']')[0])).toEqual([
      '[CRITICAL · ESCALATED',
      '[CRITICAL',
    ]);
    // The cap is reached: the last run scheduled nothing more.
    const lastRun = await waitFor(() =>
      s.answered.find(
        (a) => a.path === ESCALATE_JOB_PATH && a.body.includes(alertId) && a.body.includes('"at"'),
      ),
    );
    expect(JSON.parse(lastRun.response)).toMatchObject({ created: 1, nextCheckAt: null });
  });
});
