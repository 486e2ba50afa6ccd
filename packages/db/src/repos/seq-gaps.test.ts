import { newId, type ReadingRow } from '@anythingiot/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { deviceRepo } from './devices.js';
import { ingestReadings, listSeqGaps } from './readings.js';
import { createTenant } from './tenants.js';

const system = { type: 'system' as const, id: 'test' };
let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase('db_seq_gaps');
});
afterAll(() => tdb?.drop());

async function device() {
  const tenant = await createTenant(tdb.handle.db, { name: 'T', slug: newId('request') }, system);
  const dev = await deviceRepo(tdb.handle.db, tenant.id).create({ name: 'Fridge' }, 'v1.s', 1, {
    actor: system,
    requestId: null,
  });
  return { tenantId: tenant.id, deviceId: dev.id };
}

const T0 = Date.parse('2026-11-23T10:00:00Z');
/** Readings `seq` at T0 + `second` s, each with two metrics (they share the seq). */
const readingsAt = (...points: [seq: number, second: number][]): ReadingRow[] =>
  points.flatMap(([seq, second]) => [
    { metric: 'temperature', ts: T0 + second * 1_000, value: 4, seq },
    { metric: 'humidity', ts: T0 + second * 1_000, value: 50, seq },
  ]);
const inOrder = (from: number, to: number) =>
  readingsAt(
    ...Array.from({ length: to - from + 1 }, (_, i): [number, number] => [from + i, from + i]),
  );

async function gaps(d: { tenantId: string; deviceId: string }, openOnly = false) {
  return (await listSeqGaps(tdb.handle.db, d.tenantId, d.deviceId, { openOnly })).map((g) => ({
    range: [g.fromSeq, g.toSeq],
    open: g.filledAt === null,
  }));
}

/** Counts the statements sent to Postgres while `run` executes. */
async function statements<T>(run: () => Promise<T>): Promise<[T, number]> {
  const pool = tdb.handle.pool;
  const original = pool.query.bind(pool);
  let n = 0;
  pool.query = ((...args: Parameters<typeof original>) => {
    n++;
    return original(...args);
  }) as typeof pool.query;
  try {
    return [await run(), n];
  } finally {
    pool.query = original;
  }
}

describe('sequence gaps', () => {
  it('an in-order device costs one statement per post and has no gaps', async () => {
    const d = await device();
    await ingestReadings(tdb.handle.db, d, inOrder(1, 5));
    const [outcome, n] = await statements(() => ingestReadings(tdb.handle.db, d, inOrder(6, 10)));
    expect(outcome).toMatchObject({ status: 'stored', seqGaps: { opened: 0, filled: 0 } });
    expect(n).toBe(1);
    expect(await gaps(d)).toEqual([]);
  });

  it('shows what a device never delivered and closes it when the backfill arrives', async () => {
    const d = await device();
    await ingestReadings(tdb.handle.db, d, inOrder(1, 3));
    const [jump, n] = await statements(() => ingestReadings(tdb.handle.db, d, inOrder(10, 12)));
    expect(jump).toMatchObject({ seqGaps: { opened: 1 } });
    expect(n).toBe(2); // the rare case pays one more statement
    expect(await gaps(d)).toEqual([{ range: [4, 9], open: true }]);
    const [gap] = await listSeqGaps(tdb.handle.db, d.tenantId, d.deviceId);
    expect([gap?.afterTs.getTime(), gap?.beforeTs.getTime()]).toEqual([T0 + 3_000, T0 + 10_000]);

    // Part of the backfill: the gap is marked filled and what is still missing stays open.
    await ingestReadings(tdb.handle.db, d, inOrder(4, 6));
    expect(await gaps(d, true)).toEqual([{ range: [7, 9], open: true }]);
    await ingestReadings(tdb.handle.db, d, inOrder(7, 9));
    expect(await gaps(d, true)).toEqual([]);
    expect(await gaps(d)).toEqual([
      { range: [4, 9], open: false },
      { range: [7, 9], open: false },
    ]);
    const all = await listSeqGaps(tdb.handle.db, d.tenantId, d.deviceId);
    // The remainder keeps the original detection time: the user sees one gap shrinking.
    expect(all[1]?.detectedAt).toEqual(all[0]?.detectedAt);
  });

  it('a reboot (seq back to 0, time moving on) is not a gap; a retry changes nothing', async () => {
    const d = await device();
    await ingestReadings(tdb.handle.db, d, inOrder(1, 50));
    const reboot = await ingestReadings(tdb.handle.db, d, readingsAt([0, 60], [1, 61]));
    expect(reboot).toMatchObject({ seqGaps: { opened: 0, resets: 1 } });
    const retry = await ingestReadings(tdb.handle.db, d, readingsAt([0, 60], [1, 61]));
    expect(retry).toMatchObject({ accepted: 0, seqGaps: { opened: 0, filled: 0, resets: 0 } });
    await ingestReadings(tdb.handle.db, d, readingsAt([5, 65]));
    expect(await gaps(d)).toEqual([{ range: [2, 4], open: true }]);
  });

  it('readings without seq leave gap tracking alone', async () => {
    const d = await device();
    const rows = inOrder(1, 2).map((r) => ({ ...r, seq: null }));
    expect(await ingestReadings(tdb.handle.db, d, rows)).not.toHaveProperty('seqGaps');
    expect(await gaps(d)).toEqual([]);
  });

  it("another tenant does not see a device's gaps", async () => {
    const d = await device();
    const other = await device();
    await ingestReadings(tdb.handle.db, d, readingsAt([1, 1], [5, 5]));
    expect(await gaps(d)).toHaveLength(1);
    expect(await listSeqGaps(tdb.handle.db, other.tenantId, d.deviceId)).toEqual([]);
  });
});
