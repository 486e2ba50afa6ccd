import { listAudit } from '@anythingiot/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { call, seedApiKey, seedTenant, writableState } from '../../../test/tenant-fixtures.js';

let t: TestApp;
let tenant: { tenantId: string; key: string };
beforeAll(async () => {
  t = await createTestApp('api_keys');
  tenant = await seedTenant(t.db);
});
afterAll(() => t?.db.drop());

describe('API keys', () => {
  it('creates a narrower key shown once, which then works within its scopes only', async () => {
    const res = await call(t.app, tenant.key, 'POST', '/v1/api-keys', {
      name: 'Warehouse BI export',
      scopes: ['devices:read'],
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const created = await res.json();
    expect(created).toMatchObject({
      name: 'Warehouse BI export',
      scopes: ['devices:read'],
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);

    expect((await call(t.app, created.key, 'GET', '/v1/devices')).status).toBe(200);
    const write = await call(t.app, created.key, 'POST', '/v1/devices', { name: 'x' });
    expect(write.status).toBe(403);

    const list = await (await call(t.app, tenant.key, 'GET', '/v1/api-keys')).json();
    const listed = list.items.find((k: { id: string }) => k.id === created.id);
    expect(listed.lastUsedAt).not.toBeNull();
    // Lists never carry the key or anything derived from its secret part.
    expect(JSON.stringify(list)).not.toContain(created.key);
    expect(JSON.stringify(list)).not.toMatch(/key_hash|keyHash/);

    const audit = await listAudit(t.db.handle.db, tenant.tenantId);
    expect(audit.find((e) => e.target.id === created.id)).toMatchObject({
      action: 'api_key.create',
      actor: { type: 'apiKey' },
      after: { scopes: ['devices:read'] },
    });
  });

  it('refuses to grant a scope the calling key does not hold, writing nothing', async () => {
    const narrow = await seedApiKey(t.db, tenant.tenantId, {
      scopes: ['api_keys:write', 'devices:read'],
    });
    const before = await writableState(t.db);
    const res = await call(t.app, narrow.key, 'POST', '/v1/api-keys', {
      name: 'sneaky',
      scopes: ['devices:read', 'devices:write'],
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'scope_escalation' });
    expect(await writableState(t.db)).toEqual(before);
  });

  it.each([
    [{ name: '', scopes: ['devices:read'] }, 'name'],
    [{ name: 'x', scopes: [] }, 'scopes'],
    [{ name: 'x', scopes: ['root'] }, 'scopes.0'],
    [{ name: 'x', scopes: ['devices:read'], expiresAt: 'tomorrow' }, 'expiresAt'],
    [{ name: 'x', scopes: ['devices:read'], expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
  ])('refuses %j', async (body, field) => {
    const before = await writableState(t.db);
    const res = await call(t.app, tenant.key, 'POST', '/v1/api-keys', body);
    expect(res.status).toBe(422);
    const problem = await res.json();
    expect(problem.errors.map((e: { path: string }) => e.path)).toContain(field);
    expect(await writableState(t.db)).toEqual(before);
  });

  it('honours an expiry', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const res = await call(t.app, tenant.key, 'POST', '/v1/api-keys', {
      name: 'temporary',
      scopes: ['devices:read'],
      expiresAt,
    });
    expect((await res.json()).expiresAt).toBe(expiresAt);
  });

  it('revokes at once, also a key revoking itself, and only once', async () => {
    const victim = await seedApiKey(t.db, tenant.tenantId);
    expect((await call(t.app, victim.key, 'GET', '/v1/devices')).status).toBe(200);
    const res = await call(t.app, tenant.key, 'POST', `/v1/api-keys/${victim.id}/revoke`);
    expect(res.status).toBe(200);
    expect((await res.json()).revokedAt).not.toBeNull();
    const after = await call(t.app, victim.key, 'GET', '/v1/devices');
    expect(after.status).toBe(401);

    const again = await call(t.app, tenant.key, 'POST', `/v1/api-keys/${victim.id}/revoke`);
    expect(again.status).toBe(409);

    const self = await seedApiKey(t.db, tenant.tenantId);
    expect((await call(t.app, self.key, 'POST', `/v1/api-keys/${self.id}/revoke`)).status).toBe(
      200,
    );
    expect((await call(t.app, self.key, 'GET', '/v1/api-keys')).status).toBe(401);
  });
});
