import { newId, type ReadingRow } from '@anythingiot/core';
import { NeonDbError, neon, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlOverHttp, type SqlOverHttp } from './client.js';
import { DbEnvSchema, dbConfigFromEnv } from './config.js';
import { deviceRepo } from './repos/devices.js';
import { isUniqueViolation, pgErrorCode } from './repos/pg-errors.js';
import { ingestReadings, listSeqGaps } from './repos/readings.js';
import { createTenant } from './repos/tenants.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

// The devstack's `POST /sql` against the real `neon()` client and the real Postgres: the same
// protocol Neon serves in production, so `createSqlOverHttp` runs unchanged in both.

let tdb: TestDatabase;
let http: SqlOverHttp;
beforeAll(async () => {
  tdb = await createTestDatabase('db_sql_over_http');
  http = createSqlOverHttp(dbConfigFromEnv(DbEnvSchema.parse(tdb.env)));
  // For the tests that call `neon()` directly (batches, other connection strings).
  neonConfig.fetchEndpoint = tdb.env.NEON_HTTP_ENDPOINT as string;
});
afterAll(() => tdb?.drop());

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (err) {
    return err as NeonDbError;
  }
  throw new Error('expected the query to fail');
};

/** The connection string with one part replaced. */
function urlWith(change: (url: URL) => void) {
  const url = new URL(tdb.url);
  change(url);
  return url.toString();
}

describe('Neon SQL over HTTP (devstack /sql, real neon() client)', () => {
  it('round-trips types exactly as the WebSocket pool parses them', async () => {
    const text = `select $1::int8 as big, $2::timestamptz as at, $3::jsonb as doc,
      $4::int4[] as ints, $5::text[] as texts, $6::text as nothing, $7::bool as yes,
      $8::float8 as ratio, 'x'::text as plain, 42 as small, '\\x0aff'::bytea as bytes`;
    const params = [
      '9007199254740993', // beyond 2^53: stays a string
      new Date('2026-11-23T10:00:00.123Z'),
      { nested: [1, 'two', null], ok: true },
      [1, 2, 3],
      ['a', 'b,c', '"quoted"', null],
      null,
      true,
      0.1,
    ];
    const { rows } = await http.query(text, params);
    expect(rows).toEqual([
      {
        big: '9007199254740993',
        at: new Date('2026-11-23T10:00:00.123Z'),
        doc: { nested: [1, 'two', null], ok: true },
        ints: [1, 2, 3],
        texts: ['a', 'b,c', '"quoted"', null],
        nothing: null,
        yes: true,
        ratio: 0.1,
        plain: 'x',
        small: 42,
        bytes: Buffer.from([0x0a, 0xff]),
      },
    ]);
    // Parity with the production WebSocket path on the same statement.
    const ws = await tdb.handle.pool.query(text, params);
    expect(rows).toEqual(ws.rows);
  });

  it('returns no rows, and row counts, for statements without a result', async () => {
    const sql = neon(tdb.url, { fullResults: true });
    await sql.query('create table http_counts (id int primary key)');
    const insert = await sql.query(
      'insert into http_counts select generate_series(1, $1::int)',
      [3],
    );
    expect(insert).toMatchObject({ command: 'INSERT', rowCount: 3, rows: [] });
  });

  it('carries the Postgres error fields: a unique violation is still recognised', async () => {
    await http.query(
      'create table http_unique (id int primary key, name text constraint http_unique_name_key unique)',
    );
    await http.query('insert into http_unique values (1, $1)', ['a']);
    const err = await rejection(http.query('insert into http_unique values (2, $1)', ['a']));
    expect(err).toBeInstanceOf(NeonDbError);
    expect(pgErrorCode(err)).toBe('23505');
    expect(isUniqueViolation(err, 'http_unique_name_key')).toBe(true);
    expect(isUniqueViolation(err, 'some_other_constraint')).toBe(false);
    expect(err).toMatchObject({
      table: 'http_unique',
      detail: 'Key (name)=(a) already exists.',
      severity: 'ERROR',
    });

    const syntax = await rejection(http.query('select from where'));
    expect(syntax).toMatchObject({ code: '42601', position: '13' });
  });

  it('runs one statement per query, as Neon (extended protocol)', async () => {
    const err = await rejection(http.query('select 1; select 2'));
    expect(err.code).toBe('42601');
    expect(err.message).toMatch(/multiple commands/);
  });

  it('runs a batch as one transaction: all or nothing', async () => {
    const sql = neon(tdb.url);
    await sql.query('create table http_batch (id int primary key)');
    const failed = await rejection(
      sql.transaction([
        sql.query('insert into http_batch values (1)'),
        sql.query('insert into http_batch values (1)'),
      ]),
    );
    expect(failed.code).toBe('23505');
    expect(await sql.query('select count(*)::int as n from http_batch')).toEqual([{ n: 0 }]);

    const [first, second] = await sql.transaction((tx) => [
      tx.query('insert into http_batch values (1), (2) returning id'),
      tx.query('select count(*)::int as n from http_batch'),
    ]);
    expect(first).toEqual([{ id: 1 }, { id: 2 }]);
    expect(second).toEqual([{ n: 2 }]); // the second statement sees the first: one transaction
    expect(await sql.query('select count(*)::int as n from http_batch')).toEqual([{ n: 2 }]);
  });

  it('honours the batch isolation level, read-only and deferrable', async () => {
    const sql = neon(tdb.url);
    const [isolation, readOnly, deferrable] = await sql.transaction(
      [
        sql.query('show transaction_isolation'),
        sql.query('show transaction_read_only'),
        sql.query('show transaction_deferrable'),
      ],
      { isolationLevel: 'Serializable', readOnly: true, deferrable: true },
    );
    expect(isolation).toEqual([{ transaction_isolation: 'serializable' }]);
    expect(readOnly).toEqual([{ transaction_read_only: 'on' }]);
    expect(deferrable).toEqual([{ transaction_deferrable: 'on' }]);

    await sql.query('create table http_ro (id int)');
    const err = await rejection(
      sql.transaction([sql.query('insert into http_ro values (1)')], { readOnly: true }),
    );
    expect(err.code).toBe('25006'); // read_only_sql_transaction

    const [defaults] = await sql.transaction([sql.query('show transaction_isolation')]);
    expect(defaults).toEqual([{ transaction_isolation: 'read committed' }]);
  });

  it('is not an open relay: other hosts and ports are refused', async () => {
    for (const foreign of [
      urlWith((u) => {
        u.hostname = 'example.com';
      }),
      urlWith((u) => {
        u.port = '5432';
      }),
    ]) {
      const err = await rejection(neon(foreign).query('select 1'));
      expect(err.message).toMatch(/only reaches 127\.0\.0\.1:/);
      expect(err.code).toBeUndefined();
    }
  });

  it('authenticates with the password in the connection string: a wrong one fails', async () => {
    await http.query('select 1'); // the right password has a warm pool now
    const wrong = urlWith((u) => {
      u.password = 'not-the-password';
    });
    const err = await rejection(neon(wrong).query('select 1'));
    expect(err.code).toBe('28P01'); // invalid_password
    const noDatabase = urlWith((u) => {
      u.pathname = '/no_such_database';
    });
    expect((await rejection(neon(noDatabase).query('select 1'))).code).toBe('3D000');
  });

  it('serves the ingest statements: guarded insert and the rare sequence-gap statement', async () => {
    const system = { type: 'system' as const, id: 'test' };
    const tenant = await createTenant(tdb.handle.db, { name: 'T', slug: newId('request') }, system);
    const dev = await deviceRepo(tdb.handle.db, tenant.id).create({ name: 'F' }, 'v1.s', 1, {
      actor: system,
      requestId: null,
    });
    const target = { tenantId: tenant.id, deviceId: dev.id };
    const T0 = Date.parse('2026-11-23T10:00:00Z');
    const at = (seq: number): ReadingRow => ({
      metric: 'temperature',
      ts: T0 + seq * 1_000,
      value: 4 + seq / 10,
      seq,
    });
    expect(await ingestReadings(http, target, [at(1), at(2)])).toMatchObject({
      status: 'stored',
      accepted: 2,
      duplicates: 0,
    });
    expect(await ingestReadings(http, target, [at(1), at(2)])).toMatchObject({
      accepted: 0,
      duplicates: 2,
    });
    // Seq 3–9 missing: the second statement records the gap, over HTTP too.
    expect(await ingestReadings(http, target, [at(10)])).toMatchObject({
      accepted: 1,
      seqGaps: { opened: 1, filled: 0 },
    });
    const gaps = await listSeqGaps(tdb.handle.db, tenant.id, dev.id, { openOnly: true });
    expect(gaps.map((g) => [g.fromSeq, g.toSeq])).toEqual([[3, 9]]);
  });
});
