import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  combineMktParts,
  EMPTY_MKT_PARTS,
  HELD_GAP_FACTOR,
  heldOptions,
  heldTimes,
  MKT_WEIGHTING,
  type MktParts,
  mktFromParts,
  mktPartsOf,
  timeWeightedMkt,
} from './mkt.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * USP <1160> written out from the published formula, independent of the code: each reading
 * held until the next one (at most `cap`), the last one for `tail`;
 * MKT = (ΔH/R) / −ln(Σ tᵢ·e^(−ΔH/(R·Tᵢ)) / Σ tᵢ), ΔH = 83.144 kJ/mol, R = 8.3144 J/(mol·K).
 * Plain sums: valid where e^(−ΔH/RT) does not underflow (above about −259 °C).
 */
function uspMkt(series: { ts: number; celsius: number }[], cap: number, tail: number): number {
  const s = [...series].sort((a, b) => a.ts - b.ts);
  const deltaH = 83_144;
  const R = 8.3144;
  let num = 0;
  let den = 0;
  for (let i = 0; i < s.length; i++) {
    const held = Math.min(i + 1 < s.length ? s[i + 1]!.ts - s[i]!.ts : tail, cap);
    num += held * Math.exp(-deltaH / (R * (s[i]!.celsius + 273.15)));
    den += held;
  }
  return deltaH / R / -Math.log(num / den) - 273.15;
}

const series = fc.uniqueArray(
  fc.record({
    ts: fc.integer({ min: 0, max: 30 * 24 * 60 }).map((m) => m * MIN),
    celsius: fc.double({ min: -40, max: 60, noNaN: true }),
  }),
  { minLength: 1, maxLength: 80, selector: (p) => p.ts },
);
const options = fc.integer({ min: 1, max: 86_400 }).map(heldOptions);

describe('time-weighted MKT (#22 item 1)', () => {
  it("the issue's worked numbers: 23 h at 5 °C then 1 h at 25 °C is 7.76 °C, not 19.70", () => {
    const one = timeWeightedMkt(
      [
        { ts: 0, celsius: 5 },
        { ts: 23 * HOUR, celsius: 25 },
      ],
      { capMs: 24 * HOUR, tailMs: HOUR },
    );
    expect(one?.toFixed(2)).toBe('7.76');
    // Every 15 min at 5 °C for 23 h, then every minute at 25 °C for 1 h: still 7.76 °C.
    const cold = Array.from({ length: 92 }, (_, i) => ({ ts: i * 15 * MIN, celsius: 5 }));
    const warm = Array.from({ length: 60 }, (_, i) => ({ ts: 23 * HOUR + i * MIN, celsius: 25 }));
    const many = timeWeightedMkt([...cold, ...warm], { capMs: 45 * MIN, tailMs: MIN });
    expect(many?.toFixed(2)).toBe('7.76');
    expect(uspMkt([...cold, ...warm], 45 * MIN, MIN).toFixed(2)).toBe('7.76');
  });

  it('counts a gap longer than interval × factor as the cap only, and the newest reading for one interval', () => {
    const opts = heldOptions(300); // 5 min interval
    expect(opts).toEqual({ capMs: 5 * MIN * HELD_GAP_FACTOR, tailMs: 5 * MIN });
    expect(heldTimes([0, 5 * MIN, 6 * HOUR, 6 * HOUR + MIN], opts)).toEqual([
      5 * MIN,
      15 * MIN,
      MIN,
      5 * MIN,
    ]);
    expect(MKT_WEIGHTING).toContain(`× ${HELD_GAP_FACTOR}`);
  });

  it('property: equals USP <1160> computed independently, for any series and interval', () => {
    fc.assert(
      fc.property(series, options, (points, opts) => {
        const got = timeWeightedMkt(points, opts)!;
        const want = uspMkt(points, opts.capMs, opts.tailMs);
        expect(Math.abs(got - want)).toBeLessThan(1e-9 * Math.max(1, Math.abs(want)));
        const temps = points.map((p) => p.celsius);
        expect(got).toBeGreaterThanOrEqual(Math.min(...temps) - 1e-9);
        expect(got).toBeLessThanOrEqual(Math.max(...temps) + 1e-9);
      }),
      { numRuns: 1_000 },
    );
  });

  it('property: buckets combined in any grouping equal the raw computation', () => {
    fc.assert(
      fc.property(series, options, fc.array(fc.nat(), { maxLength: 20 }), (points, opts, cuts) => {
        const sorted = [...points].sort((a, b) => a.ts - b.ts);
        const held = heldTimes(
          sorted.map((p) => p.ts),
          opts,
        );
        const parts = sorted.map((p, i) => mktPartsOf(p.celsius, held[i]!));
        // Cut the series into buckets, fold each, then fold the buckets right to left.
        const at = [...new Set(cuts.map((c) => c % (parts.length + 1)))].sort((a, b) => a - b);
        const buckets: MktParts[] = [];
        let from = 0;
        for (const to of [...at, parts.length]) {
          buckets.push(parts.slice(from, to).reduce(combineMktParts, EMPTY_MKT_PARTS));
          from = to;
        }
        const folded = buckets.reduceRight((acc, b) => combineMktParts(b, acc), EMPTY_MKT_PARTS);
        const raw = timeWeightedMkt(points, opts)!;
        expect(folded.heldMs).toBe(held.reduce((a, b) => a + b, 0));
        expect(Math.abs(mktFromParts(folded)! - raw)).toBeLessThan(1e-9);
      }),
      { numRuns: 1_000 },
    );
  });

  it('does not underflow near absolute zero (log-sum-exp)', () => {
    const opts = { capMs: HOUR, tailMs: MIN };
    const cold = (c: number) => [
      { ts: 0, celsius: c },
      { ts: MIN, celsius: c },
    ];
    expect(timeWeightedMkt(cold(-265), opts)).toBeCloseTo(-265, 9);
    expect(timeWeightedMkt(cold(-272.5), opts)).toBeCloseTo(-272.5, 9);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -273, max: -200, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (temps) => {
          const got = timeWeightedMkt(
            temps.map((celsius, i) => ({ ts: i * MIN, celsius })),
            opts,
          )!;
          expect(got).toBeGreaterThanOrEqual(Math.min(...temps) - 1e-9);
          expect(got).toBeLessThanOrEqual(Math.max(...temps) + 1e-9);
        },
      ),
    );
  });

  it('has no MKT without covered time', () => {
    expect(mktFromParts(EMPTY_MKT_PARTS)).toBeNull();
    expect(timeWeightedMkt([], heldOptions(60))).toBeNull();
    expect(mktFromParts(mktPartsOf(5, 0))).toBeNull();
  });
});
