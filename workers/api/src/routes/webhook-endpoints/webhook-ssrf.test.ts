import { newId, parseKeyring, sealSecret } from '@anythingiot/core';
import { webhookEndpointRepo } from '@anythingiot/db';
import { testStack } from '@anythingiot/devstack/testing';
import { startEscalation } from '@anythingiot/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  seedNotifiedDevice,
  settledDeliveries,
  useOnlyPolicy,
} from '../../../test/notify-fixtures.js';
import { caught, type ServedApp, serveApp } from '../../../test/notify-stack.js';
import { call, seedAlert, seedTenant, writableState } from '../../../test/tenant-fixtures.js';
import { notificationPorts } from '../../service-ports.js';

// Issue #12 item 2: a tenant must not be able to make our servers call addresses inside our
// network (the cloud metadata service, loopback services, private networks) through a webhook,
// nor read what such an address answered through the deliveries list.
const SYSTEM = { actor: { type: 'system' as const, id: 'test' }, requestId: null };
const run = Date.now().toString(36);
/** The production configuration: no origin is exempt from the rules. */
let prod: ServedApp;
/** The devstack's configuration: only the catcher's origin is exempt. */
let dev: ServedApp;

beforeAll(async () => {
  [prod, dev] = await Promise.all([
    serveApp('webhook_ssrf_prod', { WEBHOOK_ALLOWED_ORIGINS: '' }),
    serveApp('webhook_ssrf_dev'),
  ]);
});
afterAll(() => Promise.all([prod?.close(), dev?.close()]));

async function tenantWithDevice(s: ServedApp) {
  const { tenantId, key } = await seedTenant(s.db, `Attacker ${newId('request')}`);
  return {
    tenantId,
    key,
    deviceId: await seedNotifiedDevice(s.db, tenantId, { name: 'Freezer 9' }),
  };
}

/** Raises an alert whose only tier calls `endpointId`, and waits for the delivery to settle. */
async function notifyThrough(
  s: ServedApp,
  t: { tenantId: string; deviceId: string },
  endpointId: string,
) {
  await useOnlyPolicy(s.db, t.tenantId, [
    { afterMinutes: 0, recipients: { webhookEndpointIds: [endpointId] }, channels: ['webhook'] },
  ]);
  const alert = await seedAlert(s.db, t.tenantId, t.deviceId, { severity: 'critical' });
  await startEscalation({
    ctx: { ports: notificationPorts(s.deps) },
    input: { tenantId: t.tenantId, alertId: alert.id },
  });
  const [delivery] = await settledDeliveries(s.db, alert.id, 1);
  return delivery!;
}

describe('registering a webhook that points into our network', () => {
  it.each([
    ['the cloud metadata service', 'https://169.254.169.254/latest/meta-data/iam/'],
    ['the metadata service by name', 'https://metadata.google.internal/computeMetadata/v1/'],
    ['our own Postgres on loopback', 'https://127.0.0.1:5432/'],
    ['loopback spelled as one number', 'https://2130706433/'],
    ['loopback as IPv4-mapped IPv6', 'https://[::ffff:127.0.0.1]/'],
    ['IPv6 loopback', 'https://[::1]/'],
    ['localhost', 'https://localhost:8787/v1/jobs/escalate'],
    ['0.0.0.0', 'https://0.0.0.0/'],
    ['a private network (10/8)', 'https://10.0.0.5/admin'],
    ['a private network (172.16/12)', 'https://172.20.0.1/'],
    ['a private network (192.168/16)', 'https://192.168.0.1/'],
    ['carrier-grade NAT (100.64/10)', 'https://100.64.1.1/'],
    ['IPv6 link-local', 'https://[fe80::1]/'],
    ['IPv6 unique-local', 'https://[fd00::1]/'],
    ['a plain-http receiver anyone on the path can read', 'http://hooks.example.com/in'],
  ])('%s is refused with 422 on url, and nothing is written', async (_, url) => {
    const t = await tenantWithDevice(prod);
    const before = await writableState(prod.db);
    const res = await call(prod.app, t.key, 'POST', '/v1/webhook-endpoints', { name: 'x', url });
    expect(res.status).toBe(422);
    const problem = await res.json();
    expect(problem.errors).toEqual([{ path: 'url', message: expect.stringMatching(/^must /) }]);
    expect(await writableState(prod.db)).toEqual(before);
  });

  it('a public https receiver is still accepted', async () => {
    const t = await tenantWithDevice(prod);
    const res = await call(prod.app, t.key, 'POST', '/v1/webhook-endpoints', {
      name: 'pager',
      url: 'https://hooks.example.com/in',
    });
    expect(res.status).toBe(201);
  });
});

describe('sending to a webhook stored before the rules (or under another configuration)', () => {
  it('never calls the address: the delivery ends dead with a fixed reason, and the receiver saw nothing', async () => {
    const t = await tenantWithDevice(prod);
    const name = `internal-${run}`;
    // The catcher stands in for an internal service: it listens on 127.0.0.1, which production
    // does not exempt. The row is written directly, as one registered before the rules existed.
    const keyring = await parseKeyring(prod.db.env.SECRETS_KEYRING!);
    const endpoint = await webhookEndpointRepo(prod.db.handle.db, t.tenantId).create(
      { name, url: `${testStack().urls.catcher}/webhooks/${name}` },
      await sealSecret(keyring, 'whsec_test'),
      keyring.current,
      SYSTEM,
    );
    const delivery = await notifyThrough(prod, t, endpoint.id);
    expect(delivery).toMatchObject({ status: 'dead', attempts: 0 });
    expect(delivery.lastError).toBe(
      'The webhook endpoint’s URL is not allowed: it must use https.',
    );
    expect(await caught({ kind: 'webhook', name })).toEqual([]);
  });
});

describe('what a receiver answered', () => {
  it('never reaches the deliveries list: only the status code and a fixed reason are kept', async () => {
    const t = await tenantWithDevice(dev);
    const name = `leaky-${run}`;
    const res = await call(dev.app, t.key, 'POST', '/v1/webhook-endpoints', {
      name,
      // The devstack exempts its catcher's origin (configuration): http on loopback is allowed.
      url: `${testStack().urls.catcher}/webhooks/${name}?fail=500`,
    });
    expect(res.status).toBe(201);
    const { endpoint } = await res.json();
    const delivery = await notifyThrough(dev, t, endpoint.id);
    expect(delivery.status).toBe('dead');
    // The catcher's error body says "Simulated failure (fail=500)": none of it may come back.
    expect(delivery.lastError).toBe('Webhook receiver answered 500');
    const listed = await call(dev.app, t.key, 'GET', `/v1/deliveries/${delivery.id}`);
    expect(JSON.stringify(await listed.json())).not.toContain('Simulated failure');
  });
});
