import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type OpenSeqGap, type SeqPoint, trackSeqGaps } from './seq-gaps.js';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const at = (seq: number, i = seq): SeqPoint => ({ seq, ts: T0 + i * 1_000 });

/** Storage as the database keeps it: a cursor and the open gaps, changed batch by batch. */
function device() {
  let cursor: SeqPoint | null = null;
  let gaps: OpenSeqGap<number>[] = [];
  let nextId = 1;
  let resets = 0;
  return {
    post(points: SeqPoint[]) {
      const changes = trackSeqGaps(cursor, gaps, points);
      const filled = new Set(changes.filled.map((f) => f.id));
      gaps = [
        ...gaps.filter((g) => !filled.has(g.id)),
        ...[...changes.filled.flatMap((f) => f.remaining), ...changes.opened].map((g) => ({
          ...g,
          id: nextId++,
        })),
      ];
      cursor = changes.cursor;
      resets += changes.resets;
      return changes;
    },
    missing: () =>
      gaps.map((g) => [g.fromSeq, g.toSeq]).sort((a, b) => (a[0] as number) - (b[0] as number)),
    numbersInGaps: () => new Set(gaps.flatMap((g) => range(g.fromSeq, g.toSeq))),
    resets: () => resets,
  };
}
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('trackSeqGaps', () => {
  it('opens a gap on a jump and closes it when the backfill arrives', () => {
    const d = device();
    d.post([at(1), at(2), at(3)]);
    const jump = d.post([at(7), at(8)]);
    expect(jump.opened).toEqual([{ fromSeq: 4, toSeq: 6, afterTs: at(3).ts, beforeTs: at(7).ts }]);
    expect(d.missing()).toEqual([[4, 6]]);
    d.post([at(5)]); // part of the backfill: the gap splits around it
    expect(d.missing()).toEqual([
      [4, 4],
      [6, 6],
    ]);
    d.post([at(4), at(6)]);
    expect(d.missing()).toEqual([]);
  });

  it('counts metrics of one reading once and ignores duplicates', () => {
    const d = device();
    d.post([at(1), at(1), at(2), at(2)]);
    const again = d.post([at(1), at(2)]);
    expect(again).toMatchObject({ opened: [], filled: [], resets: 0 });
    expect(d.missing()).toEqual([]);
  });

  it('treats seq going back while time moves on as a reboot, not a gap', () => {
    const d = device();
    d.post([at(1, 1), at(2, 2), at(3, 3)]);
    const reboot = d.post([at(0, 10), at(1, 11)]);
    expect(reboot).toMatchObject({ opened: [], resets: 1 });
    expect(d.missing()).toEqual([]);
  });

  it('does not let a reading from before a reboot fill a gap after it', () => {
    const d = device();
    d.post([at(1, 1), at(2, 2), at(5, 5)]); // gap 3..4 before the reboot
    d.post([at(0, 10), at(1, 11), at(9, 19)]); // reboot, then gap 2..8 after it
    expect(d.missing()).toEqual([
      [2, 8],
      [3, 4],
    ]);
    d.post([at(3, 3)]); // the old 3: fills the old gap only
    expect(d.missing()).toEqual([
      [2, 8],
      [4, 4],
    ]);
    d.post([at(4, 14)]); // the new 4: fills the new gap only
    expect(d.missing()).toEqual([
      [2, 3],
      [4, 4],
      [5, 8],
    ]);
  });

  it('open gaps are exactly the undelivered numbers, whatever the batches and their order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 20 }),
        fc.infiniteStream(fc.boolean()),
        fc.integer(),
        (n, sizes, coin, seed) => {
          // The device counts 0..n-1, one reading a second; we cut that into batches, lose some,
          // deliver the rest in a shuffled order, and sometimes repeat a batch (retries).
          const batches: SeqPoint[][] = [];
          for (let i = 0, k = 0; i < n; i += sizes[k++ % sizes.length] as number) {
            batches.push(
              range(i, Math.min(n, i + (sizes[k % sizes.length] as number)) - 1).map((s) => at(s)),
            );
          }
          const order = shuffle(batches, seed);
          const d = device();
          const delivered = new Set<number>();
          let first: number | undefined;
          const lost: SeqPoint[][] = [];
          for (const batch of order) {
            if (coin.next().value) {
              lost.push(batch);
              continue;
            }
            d.post(coin.next().value ? [...batch, ...batch] : batch);
            for (const p of batch) delivered.add(p.seq);
            first ??= Math.min(...batch.map((p) => p.seq));
            const max = Math.max(...delivered);
            const expected = range(first, max).filter((s) => !delivered.has(s));
            expect([...d.numbersInGaps()].sort((a, b) => a - b)).toEqual(expected);
          }
          for (const batch of lost) d.post(batch); // the backfill
          expect(d.missing()).toEqual([]);
          expect(d.resets()).toBe(0);
        },
      ),
    );
  });

  it('a reboot anywhere in an in-order stream is one reset and no gap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 7 }),
        (before, after, batchSize) => {
          const stream = [
            ...range(0, before - 1).map((s) => at(s, s)),
            ...range(0, after - 1).map((s) => at(s, before + s)),
          ];
          const d = device();
          for (let i = 0; i < stream.length; i += batchSize) d.post(stream.slice(i, i + batchSize));
          expect(d.missing()).toEqual([]);
          expect(d.resets()).toBe(1);
        },
      ),
    );
  });
});

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed | 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1_103_515_245) + 12_345) | 0;
    const j = Math.abs(s) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
