import { schema } from '@anythingiot/db';
import { testStack } from '@anythingiot/devstack/testing';
import {
  DELIVER_FAILED_JOB_PATH,
  DELIVER_JOB_PATH,
  ESCALATE_JOB_PATH,
} from '@anythingiot/services';
import { Client } from '@upstash/qstash';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedNotifiedDevice, useOnlyPolicy } from '../../../test/notify-fixtures.js';
import { caught, type ServedApp, serveApp } from '../../../test/notify-stack.js';
import { call, seedAlert, seedTenant, writableState } from '../../../test/tenant-fixtures.js';

// The notification jobs' edges: only QStash may call them, bad bodies and unknown ids change
// nothing, and deliveries that cannot be sent end where they belong.
let s: ServedApp;
let qstash: Client;
let tenantId: string;
let key: string;
let deviceId: string;

beforeAll(async () => {
  s = await serveApp('notify_jobs');
  qstash = new Client({ baseUrl: s.db.env.QSTASH_URL!, token: s.db.env.QSTASH_TOKEN! });
  ({ tenantId, key } = await seedTenant(s.db, 'Jobs Ltd'));
  deviceId = await seedNotifiedDevice(s.db, tenantId, { name: 'Chiller' });
});
afterAll(() => s?.close());

/** Publishes a job through QStash (signed, not retried) and returns the app's answer. */
async function viaQStash(path: string, body: unknown) {
  const { messageId } = await qstash.publishJSON({ url: `${s.base}${path}`, body, retries: 0 });
  const answer = await s.answerTo(messageId);
  return { status: answer.status, body: JSON.parse(answer.response || '{}') };
}

describe('notification jobs', () => {
  it('refuse calls not signed by QStash, writing nothing', async () => {
    const alert = await seedAlert(s.db, tenantId, deviceId);
    const before = await writableState(s.db);
    for (const [path, body] of [
      [ESCALATE_JOB_PATH, { tenantId, alertId: alert.id }],
      [DELIVER_JOB_PATH, { tenantId, deliveryId: 'dlv_x' }],
      [DELIVER_FAILED_JOB_PATH, { status: 500, sourceBody: '' }],
    ] as const) {
      for (const headers of [{}, { 'upstash-signature': 'eyJhbGciOiJIUzI1NiJ9.e30.bad' }] as Record<
        string,
        string
      >[]) {
        const res = await fetch(`${s.base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({ code: 'bad_job_signature' });
      }
    }
    expect(await writableState(s.db)).toEqual(before);
  });

  it('answer 422 to a malformed body and 200 for ids that do not exist, writing nothing', async () => {
    const other = await seedTenant(s.db, 'Other');
    const alert = await seedAlert(s.db, tenantId, deviceId);
    const before = await writableState(s.db);
    expect((await viaQStash(ESCALATE_JOB_PATH, { alertId: 'alr_x' })).status).toBe(422);
    expect((await viaQStash(DELIVER_JOB_PATH, 'nope')).status).toBe(422);
    expect(
      await viaQStash(ESCALATE_JOB_PATH, { tenantId, alertId: 'alr_0123456789abcdefghjk' }),
    ).toEqual({ status: 200, body: { outcome: 'unknown_alert' } });
    expect(
      await viaQStash(DELIVER_JOB_PATH, { tenantId, deliveryId: 'dlv_0123456789abcdefghjk' }),
    ).toEqual({ status: 200, body: { outcome: 'unknown_delivery' } });
    // Another tenant's alert is as unknown as a made-up one.
    expect(
      (await viaQStash(ESCALATE_JOB_PATH, { tenantId: other.tenantId, alertId: alert.id })).body,
    ).toEqual({ outcome: 'unknown_alert' });
    expect(await writableState(s.db)).toEqual(before);
  });

  it('fails a run that arrives before its time, so QStash retries it later', async () => {
    const alert = await seedAlert(s.db, tenantId, deviceId);
    const early = await viaQStash(ESCALATE_JOB_PATH, {
      tenantId,
      alertId: alert.id,
      at: Date.now() + 60_000,
    });
    expect(early.status).toBe(503);
    expect(
      await s.db.handle.db
        .select()
        .from(schema.deliveries)
        .where(eq(schema.deliveries.alertId, alert.id)),
    ).toEqual([]);
  });

  it('records a tier that reaches nobody once, and does not retry it', async () => {
    await useOnlyPolicy(s.db, tenantId, [
      { afterMinutes: 0, recipients: { roles: ['vendor'] }, channels: ['email'] },
    ]);
    const alert = await seedAlert(s.db, tenantId, deviceId);
    const first = await viaQStash(ESCALATE_JOB_PATH, { tenantId, alertId: alert.id });
    expect(first.body).toMatchObject({
      outcome: 'escalated',
      created: 0,
      steps: [`${alert.id}:tier1:repeat0`],
    });
    const again = await viaQStash(ESCALATE_JOB_PATH, { tenantId, alertId: alert.id });
    expect(again.body).toMatchObject({
      outcome: 'escalated',
      created: 0,
      steps: [],
      nextCheckAt: null,
    });
    const events = await s.db.handle.db
      .select()
      .from(schema.alertEvents)
      .where(eq(schema.alertEvents.alertId, alert.id));
    expect(events.map((e) => [e.type, e.detail])).toEqual([
      ['raised', expect.anything()],
      ['notified', expect.objectContaining({ tier: 1, repeat: 0, deliveries: 0 })],
    ]);
  });

  it('ends a delivery to a disabled webhook endpoint dead without calling it', async () => {
    const name = `disabled-${Date.now().toString(36)}`;
    const created = await call(s.app, key, 'POST', '/v1/webhook-endpoints', {
      name,
      url: `${testStack().urls.catcher}/webhooks/${name}`,
    });
    const { endpoint } = await created.json();
    const alert = await seedAlert(s.db, tenantId, deviceId);
    await call(s.app, key, 'POST', `/v1/webhook-endpoints/${endpoint.id}/disable`);
    // A delivery planned while the endpoint was enabled, sent after it was disabled.
    await s.db.handle.db.insert(schema.deliveries).values({
      id: 'dlv_0000000000000000000d',
      tenantId,
      alertId: alert.id,
      tier: 1,
      channel: 'webhook',
      recipient: endpoint.url,
      webhookEndpointId: endpoint.id,
      dedupKey: `${alert.id}:manual`,
    });
    const answer = await viaQStash(DELIVER_JOB_PATH, {
      tenantId,
      deliveryId: 'dlv_0000000000000000000d',
    });
    expect(answer).toEqual({ status: 200, body: { outcome: 'dead', status: 'dead' } });
    const [row] = await s.db.handle.db
      .select()
      .from(schema.deliveries)
      .where(eq(schema.deliveries.id, 'dlv_0000000000000000000d'));
    expect(row).toMatchObject({ status: 'dead', lastError: 'The webhook endpoint is disabled.' });
    expect(await caught({ kind: 'webhook', name })).toEqual([]);
  });

  it('ends an in-app delivery dead when its user was deleted, adding nothing to any list', async () => {
    const alert = await seedAlert(s.db, tenantId, deviceId);
    await s.db.handle.db.insert(schema.deliveries).values({
      id: 'dlv_000000000000000000u0',
      tenantId,
      alertId: alert.id,
      tier: 1,
      channel: 'in_app',
      recipient: 'usr_deleted',
      userId: null,
      dedupKey: `${alert.id}:in_app:deleted`,
    });
    const answer = await viaQStash(DELIVER_JOB_PATH, {
      tenantId,
      deliveryId: 'dlv_000000000000000000u0',
    });
    expect(answer).toEqual({ status: 200, body: { outcome: 'dead', status: 'dead' } });
    expect(
      await s.db.handle.db
        .select()
        .from(schema.inAppNotifications)
        .where(eq(schema.inAppNotifications.alertId, alert.id)),
    ).toEqual([]);
  });
});
