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
 * The most buckets one answer may hold (an explicit resolution; `auto` stays under
 * TARGET_POINTS): 1m over 400 days would be 576,000 points in one body. A week of 1m fits.
 */
export const MAX_SERIES_POINTS = 10_080;

/** How many whole, UTC-aligned buckets of `resolution` cover [from, to). */
export function bucketCount(from: number, to: number, resolution: RollupResolution): number {
  const width = ROLLUP_RESOLUTIONS[resolution] * 1_000;
  return Math.ceil(to / width) - Math.floor(from / width);
}

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
  if (input.resolution !== 'auto' && input.resolution !== 'raw') {
    assertFewEnoughBuckets(from, to, input.resolution);
  }
  if (input.resolution !== 'auto') return { from, to, resolution: input.resolution };
  if (range <= MAX_RAW_RANGE_MS) return { from, to, resolution: 'raw' };
  const fits = (Object.keys(ROLLUP_RESOLUTIONS) as RollupResolution[]).find(
    (r) => range / (ROLLUP_RESOLUTIONS[r] * 1_000) <= TARGET_POINTS,
  );
  return { from, to, resolution: fits ?? '1d' };
}

/** Refuses an explicit resolution that would answer more than MAX_SERIES_POINTS buckets. */
function assertFewEnoughBuckets(from: number, to: number, resolution: RollupResolution): void {
  const count = bucketCount(from, to, resolution);
  if (count <= MAX_SERIES_POINTS) return;
  const width = ROLLUP_RESOLUTIONS[resolution];
  const days = Math.floor((MAX_SERIES_POINTS * width) / 86_400);
  const coarser = (Object.keys(ROLLUP_RESOLUTIONS) as RollupResolution[]).find(
    (r) => bucketCount(from, to, r) <= MAX_SERIES_POINTS,
  );
  const span =
    days >= 1 ? `${days} days` : `${Math.floor((MAX_SERIES_POINTS * width) / 3_600)} hours`;
  throw new DomainError(
    'VALIDATION',
    `At most ${MAX_SERIES_POINTS.toLocaleString('en')} points per answer: ${resolution} over this range is ${count.toLocaleString('en')}. ` +
      `Narrow the range to ${span} or less at ${resolution}, or ask for ${coarser ?? '1d'} or resolution=auto.`,
    {
      errors: [
        {
          path: 'resolution',
          message: `more than ${MAX_SERIES_POINTS} buckets; narrow from/to or pick a coarser resolution`,
        },
      ],
      reason: 'too_many_points',
    },
  );
}
