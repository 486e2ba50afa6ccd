import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { signDeviceRequest } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.js';

// `npm run admin` as an operator runs it: a child process against the configured database.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('api_admin_cli');
});
afterAll(() => t?.db.drop());

async function admin(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
        join(ROOT, 'packages/db/src/cli/admin.ts'),
        ...args,
      ],
      { env: { ...process.env, ...t.db.env } },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function ingest(deviceId: string, secret: string) {
  const body = JSON.stringify({
    readings: [{ ts: Date.now() - 100, metrics: { temperature: 4 + Math.random() } }],
  });
  const timestamp = String(Date.now());
  return t.app.request('/v1/ingest', {
    method: 'POST',
    headers: {
      'x-device-id': deviceId,
      'x-timestamp': timestamp,
      'x-signature': await signDeviceRequest(secret, body, timestamp),
    },
    body,
  });
}

describe('npm run admin', () => {
  it('provisions a tenant, a device that can post, rotates and revokes it', async () => {
    const created = await admin(
      'create-tenant',
      '--name',
      'Acme Pharma',
      '--slug',
      'acme-pharma',
      '--industry',
      'pharma',
      '--json',
    );
    expect(created.code).toBe(0);
    const tenantId = JSON.parse(created.stdout).tenant.id as string;
    expect(JSON.parse((await admin('list-tenants', '--json')).stdout).tenants).toContainEqual(
      expect.objectContaining({ id: tenantId, slug: 'acme-pharma' }),
    );

    const device = JSON.parse(
      (await admin('create-device', '--tenant', tenantId, '--name', 'Fridge 1', '--json')).stdout,
    );
    expect(device.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await ingest(device.device.id, device.secret)).status).toBe(200);

    const rotated = JSON.parse(
      (
        await admin(
          'rotate-secret',
          '--tenant',
          tenantId,
          '--device',
          device.device.id,
          '--grace-seconds',
          '0',
          '--json',
        )
      ).stdout,
    );
    expect((await ingest(device.device.id, rotated.secret)).status).toBe(200);
    expect((await ingest(device.device.id, device.secret)).status).toBe(401);

    expect(
      (await admin('revoke-device', '--tenant', tenantId, '--device', device.device.id)).code,
    ).toBe(0);
    const refused = await ingest(device.device.id, rotated.secret);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'revoked' });
  }, 60_000);

  it('creates an API key shown once and stores only its hash', async () => {
    const tenantId = JSON.parse(
      (await admin('create-tenant', '--name', 'Keys', '--slug', 'keys-co', '--json')).stdout,
    ).tenant.id;
    const out = JSON.parse(
      (
        await admin(
          'create-api-key',
          '--tenant',
          tenantId,
          '--name',
          'ERP',
          '--scope',
          'devices:read',
          '--json',
        )
      ).stdout,
    );
    expect(out.key).toMatch(/^aik_/);
    const rows = await t.db.handle.db.select().from(schema.apiKeys);
    const row = rows.find((r) => r.id === out.apiKey.id);
    expect(row?.scopes).toEqual(['devices:read']);
    expect(JSON.stringify(rows)).not.toContain(out.key);
  }, 60_000);

  it.each([
    [['frobnicate'], /Unknown command "frobnicate"/],
    [[], /Missing command/],
    [['create-tenant', '--slug', 'no-name'], /--name is required/],
    [['create-tenant', '--name', 'X', '--slug', 'Bad Slug'], /--slug/],
    [['create-device', '--tenant', 'nope', '--name', 'x'], /--tenant must be a tenant id/],
    [
      ['create-api-key', '--tenant', 'tnt_00000000000000000000', '--name', 'x', '--scope', 'root'],
      /unknown scope root/,
    ],
    [['create-tenant', '--bogus'], /Unknown option/],
    [['create-tenant', '--name', 'Again', '--slug', 'keys-co'], /already taken/],
  ])(
    'refuses %j with usage, exit 2, and writes nothing',
    async (args, message) => {
      const before = (await t.db.handle.db.select().from(schema.tenants)).length;
      const result = await admin(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('Usage: npm run admin');
      expect((await t.db.handle.db.select().from(schema.tenants)).length).toBe(before);
    },
    30_000,
  );
});
