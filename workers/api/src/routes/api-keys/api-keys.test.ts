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

describe('API keys minted by keys (a child may not outlive its parent)', () => {
  const weekFromNow = () => new Date(Date.now() + 7 * 86_400_000);
  async function weekKey() {
    const parent = await seedApiKey(t.db, tenant.tenantId);
    const expiresAt = weekFromNow();
    await t.db.handle.db.$client.query('update api_keys set expires_at = $2 where id = $1', [
      parent.id,
      expiresAt,
    ]);
    return { ...parent, expiresAt };
  }
  async function mint(key: string, body: Record<string, unknown> = {}) {
    const res = await call(t.app, key, 'POST', '/v1/api-keys', {
      name: 'minted',
      scopes: ['devices:read', 'api_keys:write'],
      ...body,
    });
    expect(res.status).toBe(201);
    return res.json();
  }

  it('a 7-day key asking for a non-expiring key gets one that expires with it, recorded as its child', async () => {
    const parent = await weekKey();
    const child = await mint(parent.key);
    expect(child.expiresAt).toBe(parent.expiresAt.toISOString());
    expect(child.createdByKeyId).toBe(parent.id);
    const later = new Date(parent.expiresAt.getTime() + 86_400_000).toISOString();
    expect((await mint(parent.key, { expiresAt: later })).expiresAt).toBe(
      parent.expiresAt.toISOString(),
    );
    // An earlier expiry than the parent's is kept as asked.
    const sooner = new Date(Date.now() + 3_600_000).toISOString();
    expect((await mint(parent.key, { expiresAt: sooner })).expiresAt).toBe(sooner);
  });

  it('a key that never expires mints children that need not expire either, still recorded as its own', async () => {
    const res = await call(t.app, tenant.key, 'POST', '/v1/api-keys', {
      name: 'root-made',
      scopes: ['devices:read'],
    });
    // tenant.key is a key too: it never expires, so neither does its child.
    const created = await res.json();
    expect(created.expiresAt).toBeNull();
    expect(created.createdByKeyId).not.toBeNull();
  });

  it('revoking a parent revokes its children and grandchildren at once, each audited', async () => {
    const parent = await weekKey();
    const child = await mint(parent.key);
    const grandchild = await mint(child.key);
    const sibling = await seedApiKey(t.db, tenant.tenantId);
    for (const k of [child, grandchild]) {
      expect((await call(t.app, k.key, 'GET', '/v1/devices')).status).toBe(200);
    }
    const res = await call(t.app, tenant.key, 'POST', `/v1/api-keys/${parent.id}/revoke`);
    expect(res.status).toBe(200);
    for (const k of [parent, child, grandchild]) {
      expect((await call(t.app, k.key, 'GET', '/v1/devices')).status).toBe(401);
    }
    expect((await call(t.app, sibling.key, 'GET', '/v1/devices')).status).toBe(200);

    const audit = await listAudit(t.db.handle.db, tenant.tenantId);
    for (const k of [child, grandchild]) {
      expect(
        audit.find((e) => e.target.id === k.id && e.action === 'api_key.revoke'),
      ).toMatchObject({
        actor: { type: 'apiKey' },
        after: { revokedWith: parent.id },
        reason: `revoked with its parent key ${parent.id}`,
      });
    }
    // Revoking a child that went with its parent is a conflict, not a second entry.
    const again = await call(t.app, tenant.key, 'POST', `/v1/api-keys/${child.id}/revoke`);
    expect(again.status).toBe(409);
  });
});
