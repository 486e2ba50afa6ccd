import { newId } from '@anythingiot/core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { deviceRepo } from './devices.js';
import { ensureReadingPartitions, ingestReadings } from './readings.js';
import { createTenant } from './tenants.js';

const system = { type: 'system' as const, id: 'test' };
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase('db_partitions');
});
afterAll(() => tdb?.drop());

async function partitions() {
  const { rows } = await tdb.handle.db.execute<{ name: string }>(
    sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'readings'::regclass and c.relname like 'readings_2031%' order by 1`,
  );
  return rows.map((r) => r.name);
}

describe('ensureReadingPartitions', () => {
  it('creates this month and the next three, once, and moves rows the DEFAULT partition caught', async () => {
    const tenant = await createTenant(tdb.handle.db, { name: 'T', slug: newId('request') }, system);
    const dev = await deviceRepo(tdb.handle.db, tenant.id).create({ name: 'F' }, 'v1.s', 1, {
      actor: system,
      requestId: null,
    });
    // A month nobody rolled forward to yet: the reading lands in the DEFAULT partition.
    const ts = Date.parse('2031-02-10T12:00:00Z');
    await ingestReadings(tdb.handle.db, { tenantId: tenant.id, deviceId: dev.id }, [
      { metric: 'temperature', ts, value: 5, seq: null },
    ]);
    const where = async () =>
      (
        await tdb.handle.db.execute<{ part: string }>(
          sql`select tableoid::regclass::text as part from readings where device_id = ${dev.id}`,
        )
      ).rows.map((r) => r.part);
    expect(await where()).toEqual(['readings_default']);

    const now = new Date('2031-01-15T08:00:00Z');
    expect(await ensureReadingPartitions(tdb.handle.db, now)).toBe(4);
    expect(await partitions()).toEqual([
      'readings_2031_01',
      'readings_2031_02',
      'readings_2031_03',
      'readings_2031_04',
    ]);
    expect(await where()).toEqual(['readings_2031_02']);
    // Idempotent: a redelivered job changes nothing.
    expect(await ensureReadingPartitions(tdb.handle.db, now)).toBe(0);
    // The moved month is a real partition: the key still refuses a duplicate reading.
    expect(
      await ingestReadings(tdb.handle.db, { tenantId: tenant.id, deviceId: dev.id }, [
        { metric: 'temperature', ts, value: 6, seq: null },
      ]),
    ).toMatchObject({ accepted: 0, duplicates: 1 });
  });
});
