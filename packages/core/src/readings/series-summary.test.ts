import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateOf, summarise } from './series-summary.js';

describe('summarise', () => {
  it('is empty for no data', () => {
    expect(summarise('temperature', [])).toBeNull();
  });

  it('gives the MKT of a constant series as that temperature', () => {
    const parts = [5, 5, 5].map((v) => aggregateOf('temperature', v));
    expect(summarise('temperature', parts)?.mkt).toBeCloseTo(5, 9);
  });

  it('weights warm spells above the mean, as MKT must (USP <1160>)', () => {
    // 23 h at 5 °C and 1 h at 25 °C: mean 5.83 °C, MKT clearly higher.
    const parts = [...Array(23).fill(5), 25].map((v) => aggregateOf('temperature', v));
    const s = summarise('temperature', parts);
    expect(s?.mean).toBeCloseTo(5.833, 3);
    expect(s?.mkt).toBeGreaterThan(7);
    expect(s?.mkt).toBeLessThan(25);
  });

  it('gives the same answer from buckets as from the readings inside them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -40, max: 60, noNaN: true }), { minLength: 1 }), {
          minLength: 1,
        }),
        (groups) => {
          const raw = summarise(
            'temperature',
            groups.flat().map((v) => aggregateOf('temperature', v)),
          );
          const buckets = groups.map((g) => {
            const s = g.map((v) => aggregateOf('temperature', v));
            return {
              count: g.length,
              min: Math.min(...g),
              max: Math.max(...g),
              sum: s.reduce((a, p) => a + p.sum, 0),
              arrheniusSum: s.reduce((a, p) => a + p.arrheniusSum, 0),
            };
          });
          const folded = summarise('temperature', buckets);
          expect(folded?.count).toBe(raw?.count);
          expect(folded?.min).toBe(raw?.min);
          expect(folded?.max).toBe(raw?.max);
          expect(folded?.mean).toBeCloseTo(raw?.mean ?? 0, 6);
          expect(folded?.mkt).toBeCloseTo(raw?.mkt ?? 0, 6);
        },
      ),
    );
  });

  it('has no MKT for other metrics', () => {
    expect(summarise('humidity', [aggregateOf('humidity', 50)])?.mkt).toBeNull();
  });
});
