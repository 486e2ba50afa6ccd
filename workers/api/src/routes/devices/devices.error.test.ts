import { facilityRepo } from '@anythingiot/db';
import { freePort } from '@anythingiot/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appForEnv, createTestApp, type TestApp } from '../../../test/harness.js';
import { call, seedTenant, writableState } from '../../../test/tenant-fixtures.js';

let t: TestApp;
let tenant: { tenantId: string; key: string };
let deviceId: string;
beforeAll(async () => {
  t = await createTestApp('api_devices_errors');
  tenant = await seedTenant(t.db);
  const res = await call(t.app, tenant.key, 'POST', '/v1/devices', { name: 'Fridge' });
  deviceId = (await res.json()).device.id;
});
afterAll(() => t?.db.drop());

/** Sends a bad request and proves it was refused with the field named and nothing written. */
async function expectInvalid(method: string, path: string, body: unknown, field: string) {
  const before = await writableState(t.db);
  const res = await call(t.app, tenant.key, method, path, body);
  expect(res.status).toBe(422);
  const problem = await res.json();
  expect(problem.code).toBe('validation');
  expect(problem.errors.map((e: { path: string }) => e.path)).toContain(field);
  expect(await writableState(t.db)).toEqual(before);
}

describe('devices API refusals', () => {
  it.each([
    [{ name: '' }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{}, 'name'],
    [{ name: 'ok', tags: ['a', 'a'] }, 'tags'],
    [{ name: 'ok', tags: [''] }, 'tags.0'],
    [{ name: 'ok', expectedIntervalSeconds: 0 }, 'expectedIntervalSeconds'],
    [{ name: 'ok', expectedIntervalSeconds: 86_401 }, 'expectedIntervalSeconds'],
    [{ name: 'ok', status: 'revoked' }, ''],
    [{ name: 'ok', facilityId: 'fac_nope' }, 'facilityId'],
  ])('refuses to register %j', async (body, field) => {
    await expectInvalid('POST', '/v1/devices', body, field);
  });

  it("refuses another tenant's facility as if it did not exist", async () => {
    const other = await seedTenant(t.db, 'Other');
    const theirs = await facilityRepo(t.db.handle.db, other.tenantId).create(
      { name: 'Their room' },
      { actor: { type: 'system', id: 'test' }, requestId: null },
    );
    await expectInvalid('POST', '/v1/devices', { name: 'x', facilityId: theirs.id }, 'facilityId');
    await expectInvalid(
      'PATCH',
      `/v1/devices/${deviceId}`,
      { facilityId: theirs.id },
      'facilityId',
    );
  });

  it('refuses an empty or unknown change', async () => {
    await expectInvalid('PATCH', `/v1/devices/${deviceId}`, {}, '');
    await expectInvalid('PATCH', `/v1/devices/${deviceId}`, { status: 'revoked' }, '');
    await expectInvalid('PATCH', `/v1/devices/${deviceId}`, { name: '' }, 'name');
  });

  it('refuses malformed JSON without writing', async () => {
    const before = await writableState(t.db);
    const res = await t.app.request('/v1/devices', {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/json' },
      body: '{"name": "x",',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await writableState(t.db)).toEqual(before);
  });

  it('refuses a grace outside 0..30 days', async () => {
    const path = `/v1/devices/${deviceId}/rotate-secret`;
    await expectInvalid('POST', path, { graceSeconds: -1 }, 'graceSeconds');
    await expectInvalid('POST', path, { graceSeconds: 30 * 86_400 + 1 }, 'graceSeconds');
    await expectInvalid('POST', path, { graceSeconds: 1.5 }, 'graceSeconds');
  });

  it('refuses bad paging input', async () => {
    for (const query of ['limit=0', 'limit=201', 'limit=abc', 'status=deleted']) {
      const res = await call(t.app, tenant.key, 'GET', `/v1/devices?${query}`);
      expect(res.status, query).toBe(422);
    }
    const res = await call(t.app, tenant.key, 'GET', '/v1/devices?cursor=bm90IGEgY3Vyc29y');
    expect(res.status).toBe(422);
    expect((await res.json()).errors).toEqual([{ path: 'cursor', message: 'invalid cursor' }]);
  });

  it('answers 404 for unknown and malformed ids, writing nothing', async () => {
    for (const id of ['dev_00000000000000000000', 'nope', "dev_' or 1=1 --"]) {
      const before = await writableState(t.db);
      const path = `/v1/devices/${encodeURIComponent(id)}`;
      expect((await call(t.app, tenant.key, 'GET', path)).status).toBe(404);
      expect((await call(t.app, tenant.key, 'PATCH', path, { name: 'x' })).status).toBe(404);
      expect((await call(t.app, tenant.key, 'POST', `${path}/revoke`)).status).toBe(404);
      expect((await call(t.app, tenant.key, 'POST', `${path}/rotate-secret`, {})).status).toBe(404);
      expect(await writableState(t.db)).toEqual(before);
    }
  });

  it('answers 409 to revoking twice and to rotating a revoked device', async () => {
    const created = await (
      await call(t.app, tenant.key, 'POST', '/v1/devices', { name: 'Old' })
    ).json();
    const id = created.device.id;
    expect((await call(t.app, tenant.key, 'POST', `/v1/devices/${id}/revoke`)).status).toBe(200);
    const before = await writableState(t.db);
    const again = await call(t.app, tenant.key, 'POST', `/v1/devices/${id}/revoke`);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'already_revoked' });
    const rotate = await call(t.app, tenant.key, 'POST', `/v1/devices/${id}/rotate-secret`, {});
    expect(rotate.status).toBe(409);
    expect(await rotate.json()).toMatchObject({ code: 'device_revoked' });
    expect(await writableState(t.db)).toEqual(before);
  });

  it('answers 429 with Retry-After over the per-key rate', async () => {
    const { app } = appForEnv({ ...t.db.env, API_KEY_RATE_LIMIT_PER_MINUTE: '2' });
    const own = await seedTenant(t.db, 'Busy integration');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await call(app, own.key, 'GET', '/v1/devices')).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await call(app, own.key, 'GET', '/v1/devices');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ code: 'rate_limited' });
  });

  it('answers 429 once all keys of a tenant together pass the tenant rate, however many it mints', async () => {
    const { app } = appForEnv({
      ...t.db.env,
      API_KEY_RATE_LIMIT_PER_MINUTE: '3',
      TENANT_API_RATE_LIMIT_PER_MINUTE: '5',
    });
    const own = await seedTenant(t.db, 'Key minter');
    const minted: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(app, own.key, 'POST', '/v1/api-keys', {
        name: `minted ${i}`,
        scopes: ['devices:read'],
      });
      expect(res.status).toBe(201);
      minted.push((await res.json()).key);
    }
    // The minting key has used 3 of the tenant's 5; three fresh keys get 2 more between them.
    const statuses: number[] = [];
    for (const key of minted) {
      for (let i = 0; i < 2; i++)
        statuses.push((await call(app, key, 'GET', '/v1/devices')).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.slice(2)).toEqual([429, 429, 429, 429]);
    const limited = await call(app, minted[2]!, 'GET', '/v1/devices');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ code: 'tenant_rate_limited' });
    // Another tenant's allowance is its own.
    const other = await seedTenant(t.db, 'Quiet neighbour');
    expect((await call(app, other.key, 'GET', '/v1/devices')).status).toBe(200);
  });

  it('keeps working without the rate limit when Redis is down', async () => {
    const { app, logs } = appForEnv({
      ...t.db.env,
      UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${await freePort()}`,
    });
    const res = await call(app, tenant.key, 'GET', '/v1/devices');
    expect(res.status).toBe(200);
    expect(logs.some((l) => l.warning === 'redis_degraded')).toBe(true);
  });

  it('answers 503 with Retry-After while Postgres is unreachable', async () => {
    const { app } = appForEnv({ ...t.db.env, NEON_WS_PROXY: `127.0.0.1:${await freePort()}/v1` });
    const res = await call(app, tenant.key, 'GET', '/v1/devices');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ code: 'storage_unavailable' });
  });
});
