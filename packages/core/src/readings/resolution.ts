import { DomainError } from '../errors/domain-error.js';

/** Bucket widths the rollups can serve, in seconds; all derive from the 1-minute rollups. */
export const ROLLUP_RESOLUTIONS = { '1m': 60, '5m': 300, '1h': 3_600, '1d': 86_400 } as const;
export type RollupResolution = keyof typeof ROLLUP_RESOLUTIONS;
export const RESOLUTIONS = ['raw', '1m', '5m', '1h', '1d'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** Raw points are served up to this range; beyond it a chart wants buckets anyway. */
export const MAX_RAW_RANGE_MS = 6 * 3_600_000;
/** The longest range one query may ask for (a year and a bit, for annual reports). */
export const MAX_QUERY_RANGE_MS = 400 * 86_400_000;
/** Enough for a full-width chart; more points only cost bandwidth. */
export const TARGET_POINTS = 1_500;

/**
 * Validates a time range and picks the resolution: the one asked for, or (`auto`) raw for short
 * ranges and otherwise the finest bucket that keeps the series under TARGET_POINTS.
 */
export function planReadingsQuery(input: {
  from: number;
  to: number;
  resolution: Resolution | 'auto';
}): { from: number; to: number; resolution: Resolution } {
  const { from, to } = input;
  const range = to - from;
  if (!(range > 0)) {
    throw new DomainError('VALIDATION', '`from` must be before `to`.', {
      errors: [{ path: 'from', message: 'must be before to' }],
    });
  }
  if (range > MAX_QUERY_RANGE_MS) {
    throw new DomainError('VALIDATION', 'Ask for at most 400 days at a time.', {
      errors: [{ path: 'to', message: 'range longer than 400 days' }],
    });
  }
  if (input.resolution === 'raw' && range > MAX_RAW_RANGE_MS) {
    throw new DomainError('VALIDATION', 'Raw readings are served for ranges up to 6 hours.', {
      errors: [{ path: 'resolution', message: 'raw needs a range of 6 h or less' }],
    });
  }
  if (input.resolution !== 'auto') return { from, to, resolution: input.resolution };
  if (range <= MAX_RAW_RANGE_MS) return { from, to, resolution: 'raw' };
  const fits = (Object.keys(ROLLUP_RESOLUTIONS) as RollupResolution[]).find(
    (r) => range / (ROLLUP_RESOLUTIONS[r] * 1_000) <= TARGET_POINTS,
  );
  return { from, to, resolution: fits ?? '1d' };
}
