import { signDeviceRequest } from '@anythingiot/core';
import { facilityRepo, listAudit } from '@anythingiot/db';
import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { call, seedTenant } from '../../../test/tenant-fixtures.js';

let t: TestApp;
let tenant: { tenantId: string; key: string };
let redis: Redis;
beforeAll(async () => {
  t = await createTestApp('api_devices');
  tenant = await seedTenant(t.db);
  redis = new Redis({
    url: t.db.env.UPSTASH_REDIS_REST_URL ?? '',
    token: t.db.env.UPSTASH_REDIS_REST_TOKEN ?? '',
  });
});
afterAll(() => t?.db.drop());

const api = (method: string, path: string, body?: unknown, key = tenant.key) =>
  call(t.app, key, method, path, body);

/** What a device does: sign the raw body + timestamp with its secret and post it. */
function devicePost(deviceId: string, secret: string, temperature: number, ts = Date.now()) {
  return devicePostReadings(deviceId, secret, [
    { ts: new Date(ts - 1_000).toISOString(), metrics: { temperature, battery: 90 } },
  ]);
}

async function devicePostReadings(deviceId: string, secret: string, readings: unknown[]) {
  const body = JSON.stringify({ readings });
  const timestamp = String(Date.now());
  return t.app.request('/v1/ingest', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-device-id': deviceId,
      'x-timestamp': timestamp,
      'x-signature': await signDeviceRequest(secret, body, timestamp),
    },
    body,
  });
}

async function register(body: Record<string, unknown> = { name: 'Vaccine fridge' }) {
  const res = await api('POST', '/v1/devices', body);
  expect(res.status).toBe(201);
  return (await res.json()) as { device: { id: string; [k: string]: unknown }; secret: string };
}

describe('devices API', () => {
  it('registers a device whose one-time secret signs readings it can then read back', async () => {
    const facility = await facilityRepo(t.db.handle.db, tenant.tenantId).create(
      { name: 'Pharmacy cold room' },
      { actor: { type: 'system', id: 'test' }, requestId: null },
    );
    const res = await api('POST', '/v1/devices', {
      name: 'Fridge A',
      facilityId: facility.id,
      model: 'CR-200',
      tags: ['vaccines', 'ground-floor'],
      expectedIntervalSeconds: 30,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { device, secret } = await res.json();
    expect(device).toMatchObject({
      name: 'Fridge A',
      facilityId: facility.id,
      model: 'CR-200',
      tags: ['vaccines', 'ground-floor'],
      status: 'active',
      expectedIntervalSeconds: 30,
      lastSeenAt: null,
    });
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect((await devicePost(device.id, secret, 5.5)).status).toBe(200);

    const detail = await (await api('GET', `/v1/devices/${device.id}`)).json();
    expect(detail.lastSeenAt).not.toBeNull();
    expect(
      detail.latest.map((l: { metric: string; value: number }) => [l.metric, l.value]),
    ).toEqual([
      ['battery', 90],
      ['temperature', 5.5],
    ]);
    expect(detail.credentials).toHaveLength(1);
    // Neither the secret nor its ciphertext ever leaves through the management API.
    expect(JSON.stringify(detail)).not.toContain(secret);
    expect(JSON.stringify(detail)).not.toMatch(/v\d+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{20,}/);

    const audit = await listAudit(t.db.handle.db, tenant.tenantId);
    expect(audit.find((e) => e.target.id === device.id)).toMatchObject({
      action: 'device.create',
      actor: { type: 'apiKey' },
    });
  });

  it('pages through devices with filters, never showing another tenant’s', async () => {
    const other = await seedTenant(t.db, 'Other Co');
    await call(t.app, other.key, 'POST', '/v1/devices', { name: 'not yours', tags: ['freezer'] });
    const names = ['F1', 'F2', 'F3', 'F4', 'F5'];
    for (const name of names) await register({ name, tags: ['freezer'] });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/v1/devices?tag=freezer&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await (await api('GET', query)).json();
      seen.push(...page.items.map((d: { name: string }) => d.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(names);
    expect(pages).toBe(3);

    const revoked = await register({ name: 'old', tags: ['freezer'] });
    await api('POST', `/v1/devices/${revoked.device.id}/revoke`);
    const onlyRevoked = await (await api('GET', '/v1/devices?status=revoked')).json();
    expect(onlyRevoked.items.map((d: { id: string }) => d.id)).toEqual([revoked.device.id]);
  });

  it('updates fields with an audited before/after, and takes a device out of its facility', async () => {
    const facility = await facilityRepo(t.db.handle.db, tenant.tenantId).create(
      { name: 'Warehouse' },
      { actor: { type: 'system', id: 'test' }, requestId: null },
    );
    const { device } = await register({ name: 'Probe', facilityId: facility.id });
    const res = await api('PATCH', `/v1/devices/${device.id}`, { name: 'Probe 7', tags: ['dock'] });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      name: 'Probe 7',
      tags: ['dock'],
      facilityId: facility.id,
    });

    const moved = await api('PATCH', `/v1/devices/${device.id}`, { facilityId: null });
    expect(await moved.json()).toMatchObject({ facilityId: null });

    const audit = await listAudit(t.db.handle.db, tenant.tenantId);
    const updates = audit.filter((e) => e.target.id === device.id && e.action === 'device.update');
    expect(updates.map((e) => [e.before, e.after])).toEqual([
      [
        { name: 'Probe', tags: [] },
        { name: 'Probe 7', tags: ['dock'] },
      ],
      [{ facilityId: facility.id }, { facilityId: null }],
    ]);
  });

  it('rotates: the new secret works at once and the old one only during the grace', async () => {
    const { device, secret: first } = await register();
    const res = await api('POST', `/v1/devices/${device.id}/rotate-secret`, { graceSeconds: 3600 });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const rotated = await res.json();
    expect(rotated.secret).not.toBe(first);
    expect(Date.parse(rotated.previousSecretValidUntil) - Date.now()).toBeGreaterThan(3_500_000);
    expect((await devicePost(device.id, rotated.secret, 4)).status).toBe(200);
    expect((await devicePost(device.id, first, 4.1)).status).toBe(200);

    // A rotation without grace retires every earlier secret now.
    const again = await (
      await api('POST', `/v1/devices/${device.id}/rotate-secret`, { graceSeconds: 0 })
    ).json();
    expect((await devicePost(device.id, again.secret, 4.2)).status).toBe(200);
    for (const old of [first, rotated.secret]) {
      const refused = await devicePost(device.id, old, 4.3);
      expect(refused.status).toBe(401);
    }
  });

  it('defaults to a 24 h grace when rotate gets no body', async () => {
    const { device } = await register();
    const res = await t.app.request(`/v1/devices/${device.id}/rotate-secret`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.key}` },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Date.parse(body.previousSecretValidUntil) - Date.now()).toBeGreaterThan(86_000_000);
  });

  it('revokes at once: the device’s next post is refused and nothing more is stored', async () => {
    const { device, secret } = await register();
    expect((await devicePost(device.id, secret, 3)).status).toBe(200);
    expect(await redis.exists(`devauth:v1:${device.id}`)).toBe(1);
    const res = await api('POST', `/v1/devices/${device.id}/revoke`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: device.id, status: 'revoked' });

    // The credential cache entry the first post filled is gone, not merely outvoted.
    expect(await redis.exists(`devauth:v1:${device.id}`)).toBe(0);
    const refused = await devicePost(device.id, secret, 3.1, Date.now() + 500);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'revoked' });
    const { rows } = await t.db.handle.db.$client.query(
      `select count(*)::int as n from readings where device_id = $1 and metric = 'temperature'`,
      [device.id],
    );
    expect(rows[0].n).toBe(1);
  });

  it('shows sequence numbers a device never delivered, until backfill closes the gap', async () => {
    const { device, secret } = await register();
    const at = (minutesAgo: number, seq: number) => ({
      ts: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      seq,
      metrics: { temperature: 4 },
    });
    expect((await devicePostReadings(device.id, secret, [at(10, 1), at(9, 2)])).status).toBe(200);
    // seq 3 and 4 were lost on the way (the device was offline and its buffer overflowed).
    expect((await devicePostReadings(device.id, secret, [at(6, 5)])).status).toBe(200);
    const withGap = await (await api('GET', `/v1/devices/${device.id}`)).json();
    expect(withGap.openSeqGaps).toMatchObject([{ fromSeq: 3, toSeq: 4 }]);

    expect((await devicePostReadings(device.id, secret, [at(8, 3), at(7, 4)])).status).toBe(200);
    const filled = await (await api('GET', `/v1/devices/${device.id}`)).json();
    expect(filled.openSeqGaps).toEqual([]);
  });
});
