import { verifyWebhookSignature } from '@anythingiot/core';
import { testStack } from '@anythingiot/devstack/testing';
import { startEscalation } from '@anythingiot/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  seedNotifiedDevice,
  settledDeliveries,
  useOnlyPolicy,
} from '../../../test/notify-fixtures.js';
import { caught, type ServedApp, seedMember, serveApp } from '../../../test/notify-stack.js';
import { call, seedAlert, seedTenant } from '../../../test/tenant-fixtures.js';
import { notificationPorts } from '../../service-ports.js';

// Channel behaviour on the real stack: webhooks retried by QStash until they succeed or die,
// signed so receivers can check them; quiet hours muting a warning email but not a critical one.
let s: ServedApp;
let tenantId: string;
let key: string;
let deviceId: string;
const run = Date.now().toString(36);

beforeAll(async () => {
  s = await serveApp('notify_delivery');
  ({ tenantId, key } = await seedTenant(s.db, 'Hooks Ltd'));
  deviceId = await seedNotifiedDevice(s.db, tenantId, { name: 'Freezer 3' });
});
afterAll(() => s?.close());

async function endpoint(name: string, query: string) {
  const url = `${testStack().urls.catcher}/webhooks/${name}${query}`;
  const res = await call(s.app, key, 'POST', '/v1/webhook-endpoints', { name, url });
  expect(res.status).toBe(201);
  return (await res.json()) as { endpoint: { id: string }; secret: string };
}

describe('webhooks', () => {
  it('retries a receiver that fails twice, then records one sent delivery with 3 attempts, verifiably signed', async () => {
    const name = `flaky-${run}`;
    const { endpoint: ep, secret } = await endpoint(name, '?fail=500&failTimes=2');
    await useOnlyPolicy(s.db, tenantId, [
      { afterMinutes: 0, recipients: { webhookEndpointIds: [ep.id] }, channels: ['webhook'] },
    ]);
    const alert = await seedAlert(s.db, tenantId, deviceId, { severity: 'critical' });
    await startEscalation({
      ctx: { ports: notificationPorts(s.deps) },
      input: { tenantId, alertId: alert.id },
    });

    const [delivery] = await settledDeliveries(s.db, alert.id, 1);
    expect(delivery).toMatchObject({
      channel: 'webhook',
      status: 'sent',
      attempts: 3,
      lastError: null,
    });
    const hits = await caught({ kind: 'webhook', name });
    expect(hits.map((h) => h.kind === 'webhook' && h.payload.status)).toEqual([200, 500, 500]);

    const last = hits[0];
    if (last?.kind !== 'webhook') throw new Error('not a webhook');
    const header = last.payload.headers['anythingiot-signature'];
    if (typeof header !== 'string') throw new Error('no signature header');
    expect(
      await verifyWebhookSignature(secret, header, last.payload.body, Date.now(), 300),
    ).toMatchObject({
      valid: true,
    });
    expect(
      await verifyWebhookSignature('whsec_wrong', header, last.payload.body, Date.now(), 300),
    ).toMatchObject({
      valid: false,
    });
    // Every retry carries the same event id (the delivery id), so receivers can drop duplicates.
    const ids = hits.map((h) => h.kind === 'webhook' && JSON.parse(h.payload.body).id);
    expect(new Set(ids)).toEqual(new Set([delivery!.id]));
    expect(JSON.parse(last.payload.body)).toMatchObject({
      type: 'alert.notified',
      data: { alert: { id: alert.id, severity: 'critical', device: 'Freezer 3' } },
    });
  });

  it('a receiver that always fails ends dead after the retries, listed as a dead letter', async () => {
    const name = `down-${run}`;
    const { endpoint: ep } = await endpoint(name, '?fail=503');
    await useOnlyPolicy(s.db, tenantId, [
      { afterMinutes: 0, recipients: { webhookEndpointIds: [ep.id] }, channels: ['webhook'] },
    ]);
    const alert = await seedAlert(s.db, tenantId, deviceId, { severity: 'critical' });
    await startEscalation({
      ctx: { ports: notificationPorts(s.deps) },
      input: { tenantId, alertId: alert.id },
    });

    const [delivery] = await settledDeliveries(s.db, alert.id, 1);
    expect(delivery).toMatchObject({ status: 'dead', attempts: 3 });
    expect(delivery?.lastError).toContain('503');
    expect(await caught({ kind: 'webhook', name })).toHaveLength(3);

    const res = await call(s.app, key, 'GET', `/v1/deliveries?status=dead&alertId=${alert.id}`);
    expect(res.status).toBe(200);
    expect((await res.json()).items).toMatchObject([
      {
        id: delivery!.id,
        status: 'dead',
        attempts: 3,
        channel: 'webhook',
        recipient: expect.stringContaining(name),
      },
    ]);
  });
});

describe('quiet hours', () => {
  it('mute a warning email but not a critical one', async () => {
    const sleeper = await seedMember(s.db, tenantId, {
      role: 'manager',
      // start = end: quiet all day, so the test does not depend on the time it runs.
      prefs: {
        channels: ['email', 'in_app'],
        quietHours: { start: '00:00', end: '00:00' },
        timeZone: 'Europe/Berlin',
      },
    });
    await useOnlyPolicy(s.db, tenantId, [
      { afterMinutes: 0, recipients: { userIds: [sleeper.userId] }, channels: ['email', 'in_app'] },
    ]);
    const warning = await seedAlert(s.db, tenantId, deviceId, {
      severity: 'warning',
      title: 'Warm-ish',
    });
    const critical = await seedAlert(s.db, tenantId, deviceId, {
      severity: 'critical',
      title: 'Too warm',
    });
    await startEscalation({
      ctx: { ports: notificationPorts(s.deps) },
      input: { tenantId, alertId: warning.id },
    });
    await startEscalation({
      ctx: { ports: notificationPorts(s.deps) },
      input: { tenantId, alertId: critical.id },
    });

    const quiet = await settledDeliveries(s.db, warning.id, 1);
    expect(quiet.map((d) => d.channel)).toEqual(['in_app']);
    const loud = await settledDeliveries(s.db, critical.id, 2);
    expect(loud.map((d) => d.channel).sort()).toEqual(['email', 'in_app']);
    const mails = await caught({ kind: 'email', to: sleeper.email });
    expect(mails).toHaveLength(1);
    expect(mails[0]?.kind === 'email' && mails[0].payload.subject).toMatch(/^\[CRITICAL\]/);
  });
});
