import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiKey } from '@anythingiot/core';
import { schema } from '@anythingiot/db';
import {
  DEMO_DEVICES,
  DEMO_TENANT,
  readDemoFile,
  seedDemoTenant,
} from '@anythingiot/devstack/demo-seed';
import { createTestDatabase, type TestDatabase } from '@anythingiot/devstack/testing';
import { createDeviceClient } from '@anythingiot/sdk';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.js';

// The demo tenant `npm run dev` seeds on every start, against a real database and the real
// ingest path: the saved secrets must authenticate, and re-running must change nothing.
// Each test gets its own databases and file: the demo slug is unique per database.
let dir: string;
const dbs: TestDatabase[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demo-seed-'));
});
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
  await rm(dir, { recursive: true, force: true });
});

async function fresh(label: string): Promise<{ t: TestApp; file: string }> {
  const t = await createTestApp(`api_demo_${label}`);
  dbs.push(t.db);
  return { t, file: join(dir, `${label}.json`) };
}

const seed = (db: TestDatabase, file: string) =>
  seedDemoTenant({ db: db.handle.db, keyring: db.env.SECRETS_KEYRING!, file });

async function counts(db: TestDatabase) {
  const d = db.handle.db;
  const [tenant] = await d
    .select()
    .from(schema.tenants)
    .where(eq(schema.tenants.slug, DEMO_TENANT.slug));
  const of = async (
    table:
      | typeof schema.devices
      | typeof schema.facilities
      | typeof schema.apiKeys
      | typeof schema.alertRules
      | typeof schema.memberships,
  ) => (await d.select().from(table).where(eq(table.tenantId, tenant!.id))).length;
  return {
    tenants: (await d.select().from(schema.tenants)).length,
    facilities: await of(schema.facilities),
    devices: await of(schema.devices),
    apiKeys: await of(schema.apiKeys),
    alertRules: await of(schema.alertRules),
    members: await of(schema.memberships),
  };
}

/** Posts one signed reading as the device, through the app; returns how the client ended. */
async function post(t: TestApp, deviceId: string, secret: string) {
  const client = createDeviceClient({
    url: 'http://api.test/v1/ingest',
    deviceId,
    secret,
    fetch: async (input, init) => t.app.request(String(input), init as RequestInit),
  });
  const result = await client.send({ ts: Date.now() - 1_000, metrics: { temperature: 5 } });
  return result.stopped?.reason ?? 'delivered';
}

describe('seedDemoTenant', () => {
  it('creates the demo tenant once, with working credentials in a private file', async () => {
    const { t, file } = await fresh('once');
    const first = await seed(t.db, file);
    expect(first.changes).toContain('created tenant: Demo Pharma');
    expect(await counts(t.db)).toEqual({
      tenants: 1,
      facilities: 2,
      devices: DEMO_DEVICES.length,
      apiKeys: 1,
      alertRules: DEMO_DEVICES.length + 1, // one per device by its kind, doors tenant-wide
      members: 1,
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readDemoFile(file)).toEqual(first.demo);
    expect(new Set(first.demo.devices.map((d) => d.kind))).toEqual(
      new Set(['fridge', 'freezer', 'room']),
    );
    expect(new Set(first.demo.facilities.map((f) => f.timeZone)).size).toBe(2);

    for (const d of first.demo.devices)
      expect(await post(t, d.deviceId, d.secret)).toBe('delivered');
    const [key] = await t.db.handle.db
      .select()
      .from(schema.apiKeys)
      .where(eq(schema.apiKeys.keyHash, await hashApiKey(first.demo.apiKey.key)));
    expect(key?.tenantId).toBe(first.demo.tenant.id);

    // The second start of `npm run dev`: nothing to do, nothing rewritten.
    const before = await stat(file);
    const second = await seed(t.db, file);
    expect(second.changes).toEqual([]);
    expect(second.demo).toEqual(first.demo);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
    expect(await counts(t.db)).toEqual({
      tenants: 1,
      facilities: 2,
      devices: DEMO_DEVICES.length,
      apiKeys: 1,
      alertRules: DEMO_DEVICES.length + 1, // one per device by its kind, doors tenant-wide
      members: 1,
    });
  });

  it('a deleted file: same tenant and devices, fresh secrets, the old ones refused', async () => {
    const { t, file } = await fresh('lost_file');
    const old = (await seed(t.db, file)).demo;
    await unlink(file);
    const again = await seed(t.db, file);
    expect(again.demo.tenant.id).toBe(old.tenant.id);
    expect(again.demo.devices.map((d) => d.deviceId)).toEqual(old.devices.map((d) => d.deviceId));
    expect(again.changes.filter((c) => c.startsWith('new secret'))).toHaveLength(
      DEMO_DEVICES.length,
    );
    const [was, now] = [old.devices[0]!, again.demo.devices[0]!];
    expect(now.secret).not.toBe(was.secret);
    expect(await post(t, was.deviceId, was.secret)).toBe('unauthorized');
    expect(await post(t, now.deviceId, now.secret)).toBe('delivered');
    expect(await counts(t.db)).toMatchObject({
      tenants: 1,
      devices: DEMO_DEVICES.length,
      apiKeys: 2,
    });
    expect((await seed(t.db, file)).changes).toEqual([]);
  });

  it('a wiped database with the file left behind: everything re-created, the file rewritten', async () => {
    const { t, file } = await fresh('wiped');
    const old = (await seed(t.db, file)).demo;
    const wiped = await createTestDatabase('api_demo_wiped_2');
    dbs.push(wiped);
    const redo = await seed(wiped, file);
    expect(redo.changes).toContain('created tenant: Demo Pharma');
    expect(redo.demo.tenant.id).not.toBe(old.tenant.id);
    expect(redo.demo.devices.map((d) => d.deviceId)).not.toContain(old.devices[0]!.deviceId);
    expect(await readDemoFile(file)).toEqual(redo.demo);
    expect(await counts(wiped)).toEqual({
      tenants: 1,
      facilities: 2,
      devices: DEMO_DEVICES.length,
      apiKeys: 1,
      alertRules: DEMO_DEVICES.length + 1, // one per device by its kind, doors tenant-wide
      members: 1,
    });
    expect((await seed(wiped, file)).changes).toEqual([]);
  });
});
