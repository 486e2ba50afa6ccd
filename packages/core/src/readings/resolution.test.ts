import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketCount,
  MAX_QUERY_RANGE_MS,
  MAX_RAW_RANGE_MS,
  MAX_SERIES_POINTS,
  planReadingsQuery,
  ROLLUP_RESOLUTIONS,
  TARGET_POINTS,
} from './resolution.js';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-11-01T00:00:00Z');

describe('planReadingsQuery', () => {
  it.each([
    [1 * HOUR, 'raw'],
    [6 * HOUR, 'raw'],
    [24 * HOUR, '1m'],
    [3 * 24 * HOUR, '5m'],
    [7 * 24 * HOUR, '1h'],
    [30 * 24 * HOUR, '1h'],
    [365 * 24 * HOUR, '1d'],
  ])('picks a chart-sized resolution for %d ms', (range, expected) => {
    expect(planReadingsQuery({ from: t0, to: t0 + range, resolution: 'auto' }).resolution).toBe(
      expected,
    );
  });

  it('never plans more than the target number of buckets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_QUERY_RANGE_MS }), (range) => {
        const { resolution } = planReadingsQuery({ from: t0, to: t0 + range, resolution: 'auto' });
        if (resolution === 'raw') return range <= MAX_RAW_RANGE_MS;
        return range / (ROLLUP_RESOLUTIONS[resolution] * 1_000) <= TARGET_POINTS;
      }),
    );
  });

  it('keeps an explicit resolution', () => {
    expect(planReadingsQuery({ from: t0, to: t0 + 48 * HOUR, resolution: '1h' }).resolution).toBe(
      '1h',
    );
  });

  it.each([
    [{ from: t0, to: t0, resolution: 'auto' as const }, 'from'],
    [{ from: t0 + 1, to: t0, resolution: 'auto' as const }, 'from'],
    [{ from: t0, to: t0 + MAX_QUERY_RANGE_MS + 1, resolution: 'auto' as const }, 'to'],
    [{ from: t0, to: t0 + MAX_RAW_RANGE_MS + 1, resolution: 'raw' as const }, 'resolution'],
    [{ from: Number.NaN, to: t0, resolution: 'auto' as const }, 'from'],
  ])('refuses %j naming the field', (input, field) => {
    expect(() => planReadingsQuery(input)).toThrowError(
      expect.objectContaining({
        code: 'VALIDATION',
        details: expect.objectContaining({ errors: [expect.objectContaining({ path: field })] }),
      }),
    );
  });
});

describe('the points cap of an explicit resolution', () => {
  const DAY = 24 * HOUR;

  it('refuses 1m over 400 days (576,000 buckets), naming the maximum and how to narrow', () => {
    let caught: unknown;
    try {
      planReadingsQuery({ from: t0, to: t0 + 400 * DAY, resolution: '1m' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({
      code: 'VALIDATION',
      details: { reason: 'too_many_points', errors: [{ path: 'resolution' }] },
    });
    const message = (caught as Error).message;
    expect(message).toContain(MAX_SERIES_POINTS.toLocaleString('en'));
    expect(message).toContain('576,000');
    expect(message).toMatch(/7 days or less at 1m/);
  });

  it('serves exactly the maximum and refuses one bucket more', () => {
    const width = ROLLUP_RESOLUTIONS['1m'] * 1_000;
    const atMax = t0 + MAX_SERIES_POINTS * width;
    expect(planReadingsQuery({ from: t0, to: atMax, resolution: '1m' }).resolution).toBe('1m');
    expect(() => planReadingsQuery({ from: t0, to: atMax + 1, resolution: '1m' })).toThrow(
      /points per answer/,
    );
  });

  it('never lets an explicit resolution through with more buckets than the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_QUERY_RANGE_MS }),
        fc.constantFrom('1m', '5m', '1h', '1d' as const),
        (range, resolution) => {
          try {
            planReadingsQuery({ from: t0 + 17, to: t0 + 17 + range, resolution });
          } catch {
            return bucketCount(t0 + 17, t0 + 17 + range, resolution) > MAX_SERIES_POINTS;
          }
          return bucketCount(t0 + 17, t0 + 17 + range, resolution) <= MAX_SERIES_POINTS;
        },
      ),
    );
  });
});
