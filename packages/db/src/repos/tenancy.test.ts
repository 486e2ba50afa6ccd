import { newId } from '@anythingiot/core';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devices, facilities, users } from '../schema/index.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { listAudit, verifyTenantAudit } from './audit.js';
import { facilityRepo } from './facilities.js';
import { pgErrorCode } from './pg-errors.js';
import { createTenant } from './tenants.js';

const system = { type: 'system' as const, id: 'test' };
const meta = { actor: { type: 'user' as const, id: 'usr_test' }, requestId: 'req_test' };
let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase('db_tenancy');
});
afterAll(() => tdb?.drop());

async function twoTenants() {
  const db = tdb.handle.db;
  const a = await createTenant(
    db,
    { name: 'Acme Pharma', slug: `acme-${newId('request')}` },
    system,
  );
  const b = await createTenant(
    db,
    { name: 'Bravo Foods', slug: `bravo-${newId('request')}` },
    system,
  );
  return { a, b };
}

describe('tenancy is structural', () => {
  it('a tenant-scoped repository never returns another tenant’s rows', async () => {
    const { a, b } = await twoTenants();
    const facA = await facilityRepo(tdb.handle.db, a.id).create({ name: 'Cold room 1' }, meta);
    expect(await facilityRepo(tdb.handle.db, a.id).get(facA.id)).toMatchObject({
      name: 'Cold room 1',
    });
    expect(await facilityRepo(tdb.handle.db, b.id).get(facA.id)).toBeUndefined();
    expect(await facilityRepo(tdb.handle.db, b.id).list()).toEqual([]);
  });

  it('the database refuses a device pointing at another tenant’s facility', async () => {
    const { a, b } = await twoTenants();
    const facA = await facilityRepo(tdb.handle.db, a.id).create({ name: 'Freezer' }, meta);
    const insert = tdb.handle.db
      .insert(devices)
      .values({ id: newId('device'), tenantId: b.id, facilityId: facA.id, name: 'intruder' });
    await expect(insert).rejects.toSatisfy((err) => pgErrorCode(err) === '23503');
    const rows = await tdb.handle.db.select().from(devices).where(eq(devices.tenantId, b.id));
    expect(rows).toEqual([]);
  });

  it('facility names are unique per tenant, with a clear conflict and nothing written', async () => {
    const { a, b } = await twoTenants();
    await facilityRepo(tdb.handle.db, a.id).create({ name: 'Dock' }, meta);
    await expect(
      facilityRepo(tdb.handle.db, a.id).create({ name: 'Dock' }, meta),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { errors: [{ path: 'name', message: 'already taken in this tenant' }] },
    });
    // Another tenant may use the same name.
    await expect(
      facilityRepo(tdb.handle.db, b.id).create({ name: 'Dock' }, meta),
    ).resolves.toMatchObject({ name: 'Dock', tenantId: b.id });
    const named = await tdb.handle.db
      .select()
      .from(facilities)
      .where(sql`${facilities.tenantId} = ${a.id} and ${facilities.name} = 'Dock'`);
    expect(named).toHaveLength(1);
    // The failed attempt left no audit entry either: the change and its record are one transaction.
    const actions = (await listAudit(tdb.handle.db, a.id)).map((e) => e.action);
    expect(actions).toEqual(['tenant.create', 'facility.create']);
  });

  it('one account per email whatever its case', async () => {
    await tdb.handle.db.insert(users).values({ id: newId('user'), email: 'Ops@Example.com' });
    const dup = tdb.handle.db.insert(users).values({ id: newId('user'), email: 'ops@example.COM' });
    await expect(dup).rejects.toSatisfy((err) => pgErrorCode(err) === '23505');
  });
});

/** drizzle wraps the driver error; the trigger's SQLSTATE and message are on the cause. */
const isAppendOnlyRefusal = (err: unknown) =>
  pgErrorCode(err) === '42501' && /append-only/.test(String((err as Error).cause));

describe('audit log', () => {
  it('chains every change per tenant and verifies', async () => {
    const { a } = await twoTenants();
    const repo = facilityRepo(tdb.handle.db, a.id);
    await Promise.all(['A', 'B', 'C', 'D', 'E'].map((name) => repo.create({ name }, meta)));
    const entries = await listAudit(tdb.handle.db, a.id);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await verifyTenantAudit(tdb.handle.db, a.id)).toEqual({ ok: true, entries: 6 });
  });

  it('refuses UPDATE and DELETE, so history cannot be rewritten', async () => {
    const { a } = await twoTenants();
    const update = tdb.handle.db.execute(
      sql`update audit_log set action = 'forged' where tenant_id = ${a.id}`,
    );
    await expect(update).rejects.toSatisfy(isAppendOnlyRefusal);
    const del = tdb.handle.db.execute(sql`delete from audit_log where tenant_id = ${a.id}`);
    await expect(del).rejects.toSatisfy(isAppendOnlyRefusal);
    expect((await listAudit(tdb.handle.db, a.id)).map((e) => e.action)).toEqual(['tenant.create']);
  });

  it('detects tampering done behind the application’s back', async () => {
    const { a } = await twoTenants();
    await facilityRepo(tdb.handle.db, a.id).create({ name: 'Lab' }, meta);
    // A superuser disabling the trigger to edit a row is exactly what the chain is for.
    await tdb.handle.db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
      await tx.execute(
        sql`update audit_log set after = '{"name":"Forged"}' where tenant_id = ${a.id} and seq = 2`,
      );
      await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
    });
    expect(await verifyTenantAudit(tdb.handle.db, a.id)).toEqual({ ok: false, brokenAtSeq: 2 });
  });
});
