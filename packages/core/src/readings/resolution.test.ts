import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_QUERY_RANGE_MS,
  MAX_RAW_RANGE_MS,
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
