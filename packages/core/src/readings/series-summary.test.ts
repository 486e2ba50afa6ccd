import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combineMktParts, EMPTY_MKT_PARTS } from './mkt.js';
import { type Aggregate, aggregateOf, summarise } from './series-summary.js';

const HOUR = 3_600_000;

describe('summarise', () => {
  it('is empty for no data', () => {
    expect(summarise('temperature', [])).toBeNull();
  });

  it('gives the MKT of a constant series as that temperature', () => {
    const parts = [5, 5, 5].map((v) => aggregateOf('temperature', v, 60_000));
    expect(summarise('temperature', parts)?.mkt).toBeCloseTo(5, 9);
  });

  it('weights by time: 23 h at 5 °C and 1 h at 25 °C is 7.76 °C, one reading each', () => {
    const parts = [aggregateOf('temperature', 5, 23 * HOUR), aggregateOf('temperature', 25, HOUR)];
    const s = summarise('temperature', parts);
    expect(s?.mean).toBe(15); // the mean of readings stays a per-reading mean
    expect(s?.mkt?.toFixed(2)).toBe('7.76');
  });

  it('gives the same answer from buckets as from the readings inside them', () => {
    const reading = fc.record({
      value: fc.double({ min: -40, max: 60, noNaN: true }),
      heldMs: fc.integer({ min: 1, max: 3 * HOUR }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(reading, { minLength: 1 }), { minLength: 1 }), (groups) => {
        const raw = summarise(
          'temperature',
          groups.flat().map((r) => aggregateOf('temperature', r.value, r.heldMs)),
        );
        const buckets = groups.map((g): Aggregate => {
          const s = g.map((r) => aggregateOf('temperature', r.value, r.heldMs));
          return {
            count: g.length,
            min: Math.min(...g.map((r) => r.value)),
            max: Math.max(...g.map((r) => r.value)),
            sum: s.reduce((a, p) => a + p.sum, 0),
            mkt: s.reduce((a, p) => combineMktParts(a, p.mkt), EMPTY_MKT_PARTS),
          };
        });
        const folded = summarise('temperature', buckets);
        expect(folded?.count).toBe(raw?.count);
        expect(folded?.min).toBe(raw?.min);
        expect(folded?.max).toBe(raw?.max);
        expect(folded?.mean).toBeCloseTo(raw?.mean ?? 0, 6);
        expect(folded?.mkt).toBeCloseTo(raw?.mkt ?? 0, 9);
      }),
    );
  });

  it('has no MKT for other metrics', () => {
    expect(summarise('humidity', [aggregateOf('humidity', 50, null)])?.mkt).toBeNull();
    expect(aggregateOf('humidity', 50, 60_000).mkt).toEqual(EMPTY_MKT_PARTS);
  });
});
