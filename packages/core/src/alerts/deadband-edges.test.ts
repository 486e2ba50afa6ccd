import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyReading, type ExcursionRule, findExcursions } from './excursion.js';
import { validateAlertRule } from './rule.js';

// Issue #22 item 3: a reading exactly at threshold ∓ deadband clears, as typed in decimals.
const TZ = 'UTC';
const T0 = Date.parse('2026-06-01T00:00:00Z');
const rule = (condition: ExcursionRule['condition'], deadband: number): ExcursionRule => ({
  condition,
  deadband,
  durationSeconds: 0,
  schedule: null,
});
const cls = (r: ExcursionRule, value: number) => classifyReading(r, { ts: T0, value }, TZ);

/**
 * The reference, independent of the code: the typed decimals as exact integers of thousandths
 * (what a person means by "2.2" and "0.1"), compared in BigInt.
 */
const thousandths = (typed: string): bigint => {
  const [whole, frac = ''] = typed.replace('-', '').split('.');
  const n = BigInt(whole!) * 1000n + BigInt(frac.padEnd(3, '0'));
  return typed.startsWith('-') ? -n : n;
};
const referenceClass = (
  kind: 'above' | 'below',
  threshold: string,
  deadband: string,
  value: string,
) => {
  const [t, d, v] = [thousandths(threshold), thousandths(deadband), thousandths(value)];
  if (kind === 'above') return v > t ? 'violating' : v > t - d ? 'deadband' : 'clear';
  return v < t ? 'violating' : v < t + d ? 'deadband' : 'clear';
};
const typed = (tenths: number) => (tenths / 10).toFixed(1);

describe('deadband edges in decimals', () => {
  it('clears below 2.2 with deadband 0.1 at exactly 2.3 (2.2 + 0.1 is 2.3000000000000003)', () => {
    const below = rule({ kind: 'below', threshold: 2.2 }, 0.1);
    expect([2.1, 2.2, 2.25, 2.3, 2.4].map((v) => cls(below, v))).toEqual([
      'violating',
      'deadband',
      'deadband',
      'clear',
      'clear',
    ]);
    // The excursion ends at the edge reading instead of one reading later.
    const points = [2.1, 2.25, 2.3, 2.4].map((value, i) => ({ ts: T0 + i * 60_000, value }));
    expect(findExcursions(below, points, TZ, { maxGapMs: 3_600_000 })[0]?.end).toBe(T0 + 120_000);
  });

  it('decides every edge of the grid (thresholds −30…30, deadbands 0.1…2.0) as typed', () => {
    let cases = 0;
    for (let ti = -300; ti <= 300; ti++) {
      for (let di = 1; di <= 20; di++) {
        const [t, d] = [typed(ti), typed(di)];
        const above = rule({ kind: 'above', threshold: Number(t) }, Number(d));
        const below = rule({ kind: 'below', threshold: Number(t) }, Number(d));
        // A device sends the edge as a decimal too: the double nearest to the typed number.
        expect(cls(above, Number(typed(ti - di)))).toBe('clear');
        expect(cls(below, Number(typed(ti + di)))).toBe('clear');
        expect(cls(above, Number(typed(ti - di + 1)))).toBe('deadband');
        expect(cls(below, Number(typed(ti + di - 1)))).toBe('deadband');
        expect(cls(above, Number(t))).toBe('deadband');
        expect(cls(below, Number(t))).toBe('deadband');
        cases += 2;
      }
    }
    expect(cases).toBe(24_040);
  });

  it('property: any typed threshold, deadband and reading classify as the decimals say', () => {
    const decimal = (maxAbs: number) =>
      fc
        .integer({ min: -maxAbs * 1000, max: maxAbs * 1000 })
        .map(
          (n) =>
            `${n < 0 ? '-' : ''}${Math.floor(Math.abs(n) / 1000)}.${String(Math.abs(n) % 1000).padStart(3, '0')}`,
        );
    fc.assert(
      fc.property(
        fc.constantFrom('above' as const, 'below' as const),
        decimal(200),
        decimal(5).map((d) => d.replace('-', '')),
        fc.integer({ min: -3, max: 3 }),
        decimal(200),
        (kind, t, d, nearEdge, random) => {
          const edge = thousandths(t) + (kind === 'above' ? -1n : 1n) * thousandths(d);
          const candidates = [random, t, `${Number(edge + BigInt(nearEdge)) / 1000}`];
          const r = rule({ kind, threshold: Number(t) }, Number(d));
          for (const v of candidates) {
            expect(cls(r, Number(v))).toBe(referenceClass(kind, t, d, Number(v).toFixed(3)));
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('refuses an outside band whose deadbands meet, decided in decimals too', () => {
    const outside = (low: number, high: number, deadband: number) => () =>
      validateAlertRule({
        name: 'band',
        scope: { kind: 'tenant' },
        metric: 'temperature',
        condition: { kind: 'outside', low, high },
        durationSeconds: 0,
        deadband,
        severity: 'warning',
        schedule: null,
        enabled: true,
      });
    // 0.3 − 0.1 = 0.19999999999999998 in floats: 2 × 0.1 fits the band 0.1…0.3 only in floats.
    expect(outside(0.1, 0.3, 0.1)).toThrow();
    expect(outside(0.1, 0.3, 0.09)).not.toThrow();
  });
});
