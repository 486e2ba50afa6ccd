import { hashApiKey } from '@anythingiot/core';
import { findApiKeyAuth, listAudit } from '@anythingiot/db';
import { createApiKey } from '@anythingiot/services';
import { describe, expect, it } from 'vitest';
import * as page from '../app/routes/_app.settings.api-keys';
import { fingerprint } from './fingerprint';
import { type Member, useDashboard } from './harness';

const t = useDashboard();
const URL = '/settings/api-keys';

const post = (as: Member | null, form: Record<string, string | string[]>, origin?: string | null) =>
  t.call(page, { as, url: URL, form, ...(origin !== undefined ? { origin } : {}) });

async function refusedWithoutWriting(run: () => ReturnType<typeof post>, status: number) {
  const before = await fingerprint(t.db);
  const res = await run();
  expect(res.status).toBe(status);
  expect(await fingerprint(t.db)).toEqual(before);
  return res;
}

const create = { intent: 'create', name: 'Warehouse ERP', scopes: ['alerts:read', 'devices:read'] };

describe('API keys page', () => {
  it('sends a signed-out visitor to log in', async () => {
    const res = await t.call(page, { as: null, url: URL });
    expect(res.status).toBe(302);
    expect(res.location).toBe('/login?next=%2Fsettings%2Fapi-keys');
    await refusedWithoutWriting(() => post(null, create), 302);
  });

  it('is only for owners and admins (403 for the other roles, nothing created)', async () => {
    for (const role of ['manager', 'operator', 'auditor', 'vendor'] as const) {
      expect((await t.call(page, { as: t.a.members[role], url: URL })).status, role).toBe(403);
      await refusedWithoutWriting(() => post(t.a.members[role], create), 403);
    }
    for (const role of ['owner', 'admin'] as const) {
      expect((await t.call(page, { as: t.a.members[role], url: URL })).status, role).toBe(200);
    }
  });

  it('refuses a cross-site form', async () => {
    await refusedWithoutWriting(() => post(t.a.members.owner, create, 'https://evil.example'), 403);
    await refusedWithoutWriting(() => post(t.a.members.owner, create, null), 403);
  });

  it('creates a key, shows it once (not cached), stores only its hash, and audits it', async () => {
    const res = await post(t.a.members.admin, { ...create, expiresOn: '2099-12-31' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { key, id } = res.data.created;
    expect(key).toMatch(/^aik_/);
    expect(await findApiKeyAuth(t.db, await hashApiKey(key))).toMatchObject({
      id,
      tenantId: t.a.tenantId,
      scopes: ['alerts:read', 'devices:read'],
    });
    const list = await t.call(page, { as: t.a.members.owner, url: URL });
    expect(list.headers.get('cache-control')).toBe('no-store');
    const row = list.data.keys.find((k: { id: string }) => k.id === id);
    expect(row).toMatchObject({
      name: 'Warehouse ERP',
      scopes: ['alerts:read', 'devices:read'],
      createdBy: 'Alpha Pharma admin',
      // The lookup above authenticated with it, as the api does: that counts as a use.
      lastUsedAt: expect.any(String),
      // The end of 31 Dec 2099 in the company's zone (Europe/Berlin, +01:00 in winter).
      expiresAt: '2099-12-31T23:00:00.000Z',
      state: 'active',
    });
    expect(key.startsWith(row.prefix)).toBe(true);
    // The page never carries a key after creation.
    expect(JSON.stringify(list.data)).not.toContain(key);
    const audit = await listAudit(t.db, t.a.tenantId);
    expect(audit.at(-1)).toMatchObject({
      action: 'api_key.create',
      actor: { type: 'user', id: t.a.members.admin.userId },
      target: { type: 'api_key', id },
    });
    expect(JSON.stringify(audit.at(-1))).not.toContain(key);
  });

  it('lists only the company’s own keys', async () => {
    const other = await createApiKey({
      ctx: t.ctxFor(t.b.members.owner, t.b),
      input: { name: 'Beta key', scopes: ['alerts:read'] },
    });
    const list = await t.call(page, { as: t.a.members.owner, url: URL });
    expect(list.data.keys.map((k: { id: string }) => k.id)).not.toContain(other.id);
  });

  it.each([
    [{ ...create, name: '  ' }, 'name'],
    [{ ...create, name: 'x'.repeat(101) }, 'name'],
    [{ intent: 'create', name: 'No scopes' }, 'scopes'],
    [{ ...create, scopes: ['alerts:read', 'root:all'] }, 'scopes'],
    [{ ...create, expiresOn: '2020-01-01' }, 'expiresOn'],
    [{ ...create, expiresOn: '2026-02-30' }, 'expiresOn'],
    [{ ...create, expiresOn: 'next week' }, 'expiresOn'],
  ])('refuses %j with 422 on the field and creates nothing', async (form, field) => {
    const res = await refusedWithoutWriting(() => post(t.a.members.owner, form), 422);
    expect(res.data.problem.errors.map((e: { path: string }) => e.path)).toEqual([field]);
  });

  it('revokes a key after confirmation: the key stops working, and it is audited', async () => {
    const res = await post(t.a.members.owner, create);
    const { id, key } = res.data.created;
    const revoked = await post(t.a.members.owner, { intent: 'revoke', id });
    expect(revoked.status).toBe(200);
    expect(revoked.data).toEqual({ revoked: { id, name: 'Warehouse ERP' } });
    expect(await findApiKeyAuth(t.db, await hashApiKey(key))).toBeUndefined();
    const list = await t.call(page, { as: t.a.members.owner, url: URL });
    const row = list.data.keys.find((k: { id: string }) => k.id === id);
    expect(row.state).toBe('revoked');
    expect(row.revokedAt).toEqual(expect.any(String));
    expect((await listAudit(t.db, t.a.tenantId)).at(-1)).toMatchObject({
      action: 'api_key.revoke',
      target: { id },
    });
    // Twice: a conflict the form shows, nothing written.
    const again = await refusedWithoutWriting(
      () => post(t.a.members.owner, { intent: 'revoke', id }),
      409,
    );
    expect(again.data.problem.code).toBe('already_revoked');
  });

  it('answers 404 for another company’s key or nonsense, revoking nothing', async () => {
    const other = await createApiKey({
      ctx: t.ctxFor(t.b.members.owner, t.b),
      input: { name: 'Beta key', scopes: ['alerts:read'] },
    });
    await refusedWithoutWriting(
      () => post(t.a.members.owner, { intent: 'revoke', id: other.id }),
      404,
    );
    await refusedWithoutWriting(() => post(t.a.members.owner, { intent: 'revoke', id: 'x' }), 404);
    await refusedWithoutWriting(
      () => post(t.a.members.operator, { intent: 'revoke', id: other.id }),
      403,
    );
    expect(await findApiKeyAuth(t.db, await hashApiKey(other.key))).toMatchObject({ id: other.id });
  });

  it('refuses an unknown intent', async () => {
    await refusedWithoutWriting(() => post(t.a.members.owner, { intent: 'rotate' }), 400);
  });
});
