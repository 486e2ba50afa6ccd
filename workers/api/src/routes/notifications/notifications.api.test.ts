import { newId } from '@anythingiot/core';
import { facilityRepo, listAudit, schema } from '@anythingiot/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { seedMember } from '../../../test/notify-stack.js';
import { call, seedAlert, seedTenant, writableState } from '../../../test/tenant-fixtures.js';

const SYSTEM = { actor: { type: 'system' as const, id: 'test' }, requestId: null };
let t: TestApp;
let tenant: { tenantId: string; key: string };
let facilityId: string;
let manager: { userId: string; email: string };

beforeAll(async () => {
  t = await createTestApp('api_notifications');
  tenant = await seedTenant(t.db);
  facilityId = (
    await facilityRepo(t.db.handle.db, tenant.tenantId).create({ name: 'Cold room' }, SYSTEM)
  ).id;
  manager = await seedMember(t.db, tenant.tenantId, { role: 'manager' });
});
afterAll(() => t?.db.drop());

const api = (method: string, path: string, body?: unknown) =>
  call(t.app, tenant.key, method, path, body);

/** Sends a bad request and proves it was refused naming the field, with nothing written. */
async function expectInvalid(method: string, path: string, body: unknown, field: string) {
  const before = await writableState(t.db);
  const res = await api(method, path, body);
  expect(res.status).toBe(422);
  const problem = await res.json();
  expect(problem.code).toBe('validation');
  expect(problem.errors.map((e: { path: string }) => e.path)).toContain(field);
  expect(await writableState(t.db)).toEqual(before);
}

async function expectNotFound(method: string, path: string, body?: unknown) {
  const before = await writableState(t.db);
  const res = await api(method, path, body);
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ code: 'not_found' });
  expect(await writableState(t.db)).toEqual(before);
}

const tier = (over: Record<string, unknown> = {}) => ({
  afterMinutes: 0,
  recipients: { roles: ['manager'] },
  channels: ['email', 'in_app'],
  ...over,
});
const policy = (over: Record<string, unknown> = {}) => ({
  name: 'Cold room nights',
  facilityId: null,
  severities: ['warning', 'critical'],
  tiers: [tier(), tier({ afterMinutes: 15, channels: ['sms'] })],
  repeatEveryMinutes: 30,
  maxRepeats: 2,
  ...over,
});

describe('notification policies', () => {
  it('create, list, get, replace and delete, each audited with before and after', async () => {
    const created = await api('POST', '/v1/notification-policies', policy({ facilityId }));
    expect(created.status).toBe(201);
    const p = await created.json();
    expect(p).toMatchObject({ id: expect.stringMatching(/^npl_/), facilityId, maxRepeats: 2 });
    expect((await (await api('GET', '/v1/notification-policies')).json()).items).toEqual([p]);
    expect(await (await api('GET', `/v1/notification-policies/${p.id}`)).json()).toEqual(p);

    const replaced = await api(
      'PUT',
      `/v1/notification-policies/${p.id}`,
      policy({ name: 'Renamed', maxRepeats: 0 }),
    );
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({
      id: p.id,
      name: 'Renamed',
      facilityId: null,
      maxRepeats: 0,
    });

    const removed = await api('DELETE', `/v1/notification-policies/${p.id}`);
    expect(removed.status).toBe(204);
    expect((await api('GET', `/v1/notification-policies/${p.id}`)).status).toBe(404);

    const audit = (await listAudit(t.db.handle.db, tenant.tenantId)).filter(
      (e) => e.target.id === p.id,
    );
    expect(audit.map((e) => e.action)).toEqual([
      'notification_policy.create',
      'notification_policy.update',
      'notification_policy.delete',
    ]);
    expect(audit[1]).toMatchObject({
      actor: { type: 'apiKey' },
      before: { name: 'Cold room nights', facilityId, maxRepeats: 2 },
      after: { name: 'Renamed', facilityId: null, maxRepeats: 0 },
    });
  });

  it.each([
    [policy({ tiers: [tier({ afterMinutes: 5 })] }), 'tiers.0.afterMinutes'],
    [policy({ tiers: [tier(), tier({ afterMinutes: 0 })] }), 'tiers.1.afterMinutes'],
    [policy({ tiers: [tier({ recipients: {} })] }), 'tiers.0.recipients'],
    [policy({ tiers: [tier({ channels: ['webhook'] })] }), 'tiers.0.channels'],
    [policy({ tiers: [tier({ recipients: { roles: ['king'] } })] }), 'tiers.0.recipients.roles.0'],
    [policy({ tiers: [] }), 'tiers'],
    [policy({ severities: [] }), 'severities'],
    [policy({ severities: ['critical', 'critical'] }), 'severities'],
    [policy({ repeatEveryMinutes: null, maxRepeats: 2 }), 'maxRepeats'],
    [policy({ maxRepeats: 21 }), 'maxRepeats'],
    [policy({ name: '' }), 'name'],
    [{ ...policy(), owner: 'me' }, ''],
    [policy({ facilityId: 'fac_0123456789abcdefghjk' }), 'facilityId'],
    [
      policy({ tiers: [tier({ recipients: { userIds: [newId('user')] } })] }),
      'tiers.0.recipients.userIds.0',
    ],
    [
      policy({
        tiers: [
          tier({
            recipients: { webhookEndpointIds: [newId('webhookEndpoint')] },
            channels: ['webhook'],
          }),
        ],
      }),
      'tiers.0.recipients.webhookEndpointIds.0',
    ],
  ])('refuses %j', async (body, field) => {
    await expectInvalid('POST', '/v1/notification-policies', body, field);
  });

  it("refuses another tenant's facility and users as if they did not exist", async () => {
    const other = await seedTenant(t.db, 'Other');
    const theirFacility = await facilityRepo(t.db.handle.db, other.tenantId).create(
      { name: 'Theirs' },
      SYSTEM,
    );
    const theirUser = await seedMember(t.db, other.tenantId, { role: 'manager' });
    await expectInvalid(
      'POST',
      '/v1/notification-policies',
      policy({ facilityId: theirFacility.id }),
      'facilityId',
    );
    await expectInvalid(
      'POST',
      '/v1/notification-policies',
      policy({ tiers: [tier({ recipients: { userIds: [theirUser.userId] } })] }),
      'tiers.0.recipients.userIds.0',
    );
  });

  it('answers 404 for a policy that does not exist, and 422 before writing a bad replacement', async () => {
    await expectNotFound(
      'PUT',
      `/v1/notification-policies/${newId('notificationPolicy')}`,
      policy(),
    );
    await expectNotFound('DELETE', `/v1/notification-policies/${newId('notificationPolicy')}`);
    const p = await (await api('POST', '/v1/notification-policies', policy())).json();
    await expectInvalid('PUT', `/v1/notification-policies/${p.id}`, policy({ tiers: [] }), 'tiers');
  });
});

describe('webhook endpoints', () => {
  it('shows the secret once, stores it sealed, lists without it, disables, enables and deletes', async () => {
    const res = await api('POST', '/v1/webhook-endpoints', {
      name: 'PagerDuty',
      url: 'https://events.example.com/x',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { endpoint, secret } = await res.json();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const [row] = await t.db.handle.db
      .select()
      .from(schema.webhookEndpoints)
      .where(eq(schema.webhookEndpoints.id, endpoint.id));
    expect(row?.secretCiphertext).not.toContain(secret.slice(6));

    const listed = await (await api('GET', '/v1/webhook-endpoints')).json();
    expect(listed.items).toEqual([endpoint]);
    expect(JSON.stringify(listed)).not.toContain(secret);

    const disabled = await api('POST', `/v1/webhook-endpoints/${endpoint.id}/disable`);
    expect(await disabled.json()).toMatchObject({ id: endpoint.id, enabled: false });
    // Disabling twice changes nothing and audits nothing more.
    const auditBefore = (await listAudit(t.db.handle.db, tenant.tenantId)).length;
    expect((await api('POST', `/v1/webhook-endpoints/${endpoint.id}/disable`)).status).toBe(200);
    expect((await listAudit(t.db.handle.db, tenant.tenantId)).length).toBe(auditBefore);
    expect(
      await (await api('POST', `/v1/webhook-endpoints/${endpoint.id}/enable`)).json(),
    ).toMatchObject({
      enabled: true,
    });
    expect((await api('DELETE', `/v1/webhook-endpoints/${endpoint.id}`)).status).toBe(204);
    await expectNotFound('DELETE', `/v1/webhook-endpoints/${endpoint.id}`);
    await expectNotFound('POST', `/v1/webhook-endpoints/${endpoint.id}/enable`);

    const actions = (await listAudit(t.db.handle.db, tenant.tenantId))
      .filter((e) => e.target.id === endpoint.id)
      .map((e) => e.action);
    expect(actions).toEqual([
      'webhook_endpoint.create',
      'webhook_endpoint.disable',
      'webhook_endpoint.enable',
      'webhook_endpoint.delete',
    ]);
    expect(JSON.stringify(await listAudit(t.db.handle.db, tenant.tenantId))).not.toContain(secret);
  });

  it.each([
    [{ name: 'x', url: 'ftp://example.com/hook' }, 'url'],
    [{ name: 'x', url: 'not a url' }, 'url'],
    [{ name: '', url: 'https://example.com/hook' }, 'name'],
    [{ url: 'https://example.com/hook' }, 'name'],
    [{ name: 'x', url: 'https://example.com/hook', secret: 'mine' }, ''],
  ])('refuses %j', async (body, field) => {
    await expectInvalid('POST', '/v1/webhook-endpoints', body, field);
  });
});

describe('notification preferences', () => {
  const path = () => `/v1/users/${manager.userId}/notification-preferences`;
  const prefs = {
    channels: ['email', 'sms'],
    quietHours: { start: '22:00', end: '06:30' },
    timeZone: 'Europe/Berlin',
    phone: '+4915112345678',
  };

  it('are email + in-app by default, then what the user set (audited before/after)', async () => {
    expect(await (await api('GET', path())).json()).toEqual({
      channels: ['email', 'in_app'],
      quietHours: null,
      timeZone: 'UTC',
      phone: null,
      isDefault: true,
      updatedAt: null,
    });
    const put = await api('PUT', path(), prefs);
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ ...prefs, isDefault: false });
    expect(await (await api('GET', path())).json()).toMatchObject({ ...prefs, isDefault: false });
    await api('PUT', path(), { ...prefs, channels: ['in_app'], phone: null });
    const audit = (await listAudit(t.db.handle.db, tenant.tenantId)).filter(
      (e) => e.action === 'notification_preferences.put' && e.target.id === manager.userId,
    );
    expect(audit.map((e) => [e.before, e.after])).toEqual([
      [null, { ...prefs }],
      [{ ...prefs }, { ...prefs, channels: ['in_app'], phone: null }],
    ]);
  });

  it.each([
    [{ ...prefs, phone: null }, 'phone'],
    [{ ...prefs, phone: '0151 1234' }, 'phone'],
    [{ ...prefs, timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ ...prefs, quietHours: { start: '25:00', end: '06:00' } }, 'quietHours.start'],
    [{ ...prefs, channels: ['webhook'] }, 'channels.0'],
    [{ ...prefs, channels: ['email', 'email'] }, 'channels'],
  ])('refuses %j', async (body, field) => {
    await expectInvalid('PUT', path(), body, field);
  });

  it('answer 404 for someone who is not an active member of the tenant', async () => {
    const gone = await seedMember(t.db, tenant.tenantId, { role: 'operator', deactivated: true });
    for (const userId of [newId('user'), gone.userId]) {
      await expectNotFound('GET', `/v1/users/${userId}/notification-preferences`);
      await expectNotFound('PUT', `/v1/users/${userId}/notification-preferences`, prefs);
    }
  });
});

describe('deliveries and the in-app list', () => {
  let alertId: string;
  let ids: string[];
  let notificationId: string;

  beforeAll(async () => {
    const res = await api('POST', '/v1/devices', { name: 'Fridge' });
    const device = (await res.json()).device.id;
    alertId = (await seedAlert(t.db, tenant.tenantId, device)).id;
    const rows = (['email', 'sms', 'webhook'] as const).map((channel, i) => ({
      id: newId('delivery'),
      tenantId: tenant.tenantId,
      alertId,
      tier: 1,
      channel,
      recipient: `r${i}`,
      status: (['sent', 'dead', 'failed'] as const)[i],
      dedupKey: `${alertId}:${channel}`,
      createdAt: new Date(Date.now() - (3 - i) * 1_000),
    }));
    await t.db.handle.db.insert(schema.deliveries).values(rows);
    ids = rows.map((r) => r.id);
    notificationId = newId('notification');
    await t.db.handle.db.insert(schema.inAppNotifications).values({
      id: notificationId,
      tenantId: tenant.tenantId,
      userId: manager.userId,
      alertId,
      title: 'Too warm',
      body: 'Fridge',
    });
  });

  it('filter by status (dead letters), channel and alert, and page with a cursor', async () => {
    const dead = await (await api('GET', '/v1/deliveries?status=dead')).json();
    expect(dead.items.map((d: { id: string }) => d.id)).toEqual([ids[1]]);
    const sms = await (await api('GET', `/v1/deliveries?channel=sms&alertId=${alertId}`)).json();
    expect(sms.items.map((d: { id: string }) => d.id)).toEqual([ids[1]]);
    const first = await (await api('GET', `/v1/deliveries?alertId=${alertId}&limit=2`)).json();
    expect(first.items.map((d: { id: string }) => d.id)).toEqual([ids[2], ids[1]]);
    const second = await (
      await api('GET', `/v1/deliveries?alertId=${alertId}&limit=2&cursor=${first.nextCursor}`)
    ).json();
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect(await (await api('GET', `/v1/deliveries/${ids[0]}`)).json()).toMatchObject({
      id: ids[0],
      status: 'sent',
      channel: 'email',
    });
  });

  it('refuses a bad filter or cursor', async () => {
    for (const [query, field] of [
      ['status=lost', 'status'],
      ['channel=pigeon', 'channel'],
      ['limit=0', 'limit'],
      ['cursor=bm9wZQ', 'cursor'],
    ]) {
      const res = await api('GET', `/v1/deliveries?${query}`);
      expect(res.status).toBe(422);
      expect((await res.json()).errors.map((e: { path: string }) => e.path)).toContain(field);
    }
  });

  it('lists unread in-app notifications until read; reading twice keeps the first time', async () => {
    const unread = `/v1/users/${manager.userId}/notifications?unread=true`;
    expect((await (await api('GET', unread)).json()).items).toMatchObject([
      { id: notificationId, readAt: null },
    ]);
    const read = await api(
      'POST',
      `/v1/users/${manager.userId}/notifications/${notificationId}/read`,
    );
    expect(read.status).toBe(200);
    const { readAt } = await read.json();
    expect(readAt).toEqual(expect.any(String));
    expect((await (await api('GET', unread)).json()).items).toEqual([]);
    const again = await api(
      'POST',
      `/v1/users/${manager.userId}/notifications/${notificationId}/read`,
    );
    expect((await again.json()).readAt).toBe(readAt);
    const all = await (await api('GET', `/v1/users/${manager.userId}/notifications`)).json();
    expect(all.items).toMatchObject([{ id: notificationId, readAt }]);
  });

  it("answers 404 for another user's notification, and for a non-member's list", async () => {
    const other = await seedMember(t.db, tenant.tenantId, { role: 'operator' });
    const mine = newId('notification');
    await t.db.handle.db.insert(schema.inAppNotifications).values({
      id: mine,
      tenantId: tenant.tenantId,
      userId: manager.userId,
      alertId,
      title: 't',
      body: 'b',
    });
    await expectNotFound('POST', `/v1/users/${other.userId}/notifications/${mine}/read`);
    await expectNotFound('GET', `/v1/users/${newId('user')}/notifications`);
  });
});

describe('OpenAPI', () => {
  it('documents every notification route, and none of the QStash jobs', async () => {
    const doc = await (await t.app.request('/openapi.json')).json();
    const paths = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        'GET /v1/notification-policies',
        'POST /v1/notification-policies',
        'GET /v1/notification-policies/{id}',
        'PUT /v1/notification-policies/{id}',
        'DELETE /v1/notification-policies/{id}',
        'POST /v1/webhook-endpoints',
        'GET /v1/webhook-endpoints',
        'POST /v1/webhook-endpoints/{id}/enable',
        'POST /v1/webhook-endpoints/{id}/disable',
        'DELETE /v1/webhook-endpoints/{id}',
        'GET /v1/users/{userId}/notification-preferences',
        'PUT /v1/users/{userId}/notification-preferences',
        'GET /v1/deliveries',
        'GET /v1/deliveries/{id}',
        'GET /v1/users/{userId}/notifications',
        'POST /v1/users/{userId}/notifications/{id}/read',
      ]),
    );
    expect(paths.filter((p) => p.includes('/v1/jobs/'))).toEqual([]);
  });
});
