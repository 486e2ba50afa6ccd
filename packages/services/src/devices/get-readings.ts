import {
  aggregateOf,
  CUSTOM_METRIC,
  canonicalMetric,
  DomainError,
  isId,
  MAX_SERIES_POINTS,
  mktFromParts,
  planReadingsQuery,
  type Resolution,
  ROLLUP_RESOLUTIONS,
  type RollupResolution,
  type SeriesSummary,
  summarise,
  unitOfMetric,
} from '@anythingiot/core';
import { type BucketPoint, bucketSeries, deviceRepo, rawSeries } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { deviceNotFound } from './device-errors.js';

/** More raw points than a chart or an export of 6 h needs; beyond it the answer says so. */
export const MAX_RAW_POINTS = 10_000;
const DEFAULT_RANGE_MS = 24 * 3_600_000;

export type ReadingsQuery = {
  id: string;
  metric: string;
  from?: Date;
  to?: Date;
  resolution: Resolution | 'auto';
};

export type SeriesPoint =
  | { ts: Date; value: number; seq: number | null }
  | { ts: Date; count: number; min: number; max: number; mean: number; mkt: number | null };

export type ReadingSeries = {
  deviceId: string;
  metric: string;
  unit: string | null;
  resolution: Resolution;
  from: Date;
  to: Date;
  points: SeriesPoint[];
  /**
   * Series cut at MAX_RAW_POINTS (raw) or MAX_SERIES_POINTS (buckets; planning refuses such a
   * range first): ask for a shorter range or a coarser resolution.
   */
  truncated: boolean;
  summary: SeriesSummary | null;
};

/**
 * One metric of one device over a range (default: the last 24 h), raw or in buckets folded
 * from the 1-minute rollups, with count/min/max/mean and, for temperature, time-weighted MKT
 * (core's MKT_WEIGHTING): raw from each reading's stored held time, buckets from the rollups'
 * held-time sums, so both give the same number for the same readings.
 */
export async function getReadings({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: ReadingsQuery;
}): Promise<ReadingSeries> {
  if (!isId('device', input.id)) throw deviceNotFound(input.id);
  assertMetricName(input.metric);
  const to = input.to?.getTime() ?? ctx.ports.now();
  const plan = planReadingsQuery({
    from: input.from?.getTime() ?? to - DEFAULT_RANGE_MS,
    to,
    resolution: input.resolution,
  });
  if (!(await deviceRepo(ctx.db, ctx.tenantId, ctx).get(input.id))) throw deviceNotFound(input.id);

  const unit = unitOf(input.metric);
  const base = { deviceId: input.id, metric: input.metric, unit, resolution: plan.resolution };
  const range = { tenantId: ctx.tenantId, deviceId: input.id, metric: input.metric };

  if (plan.resolution === 'raw') {
    const from = new Date(plan.from);
    const rows = await rawSeries(
      ctx.db,
      { ...range, from, to: new Date(plan.to) },
      MAX_RAW_POINTS + 1,
    );
    const points = rows.slice(0, MAX_RAW_POINTS);
    return {
      ...base,
      from,
      to: new Date(plan.to),
      points: points.map((p) => ({ ts: p.ts, value: p.value, seq: p.seq })),
      truncated: rows.length > MAX_RAW_POINTS,
      summary: summarise(
        input.metric,
        points.map((p) => aggregateOf(input.metric, p.value, p.heldMs)),
      ),
    };
  }

  const { from, to: end } = wholeBuckets(plan.from, plan.to, plan.resolution);
  // planReadingsQuery already refused more than MAX_SERIES_POINTS buckets; the LIMIT is the
  // second guard should that ever change.
  const rows = await bucketSeries(
    ctx.db,
    { ...range, from, to: end },
    plan.resolution,
    MAX_SERIES_POINTS + 1,
  );
  const buckets = rows.slice(0, MAX_SERIES_POINTS);
  return {
    ...base,
    from,
    to: end,
    points: buckets.map((b) => bucketPoint(input.metric, b)),
    truncated: rows.length > MAX_SERIES_POINTS,
    summary: summarise(input.metric, buckets),
  };
}

/** Refuses what is not a canonical or custom metric name, naming the field. */
export function assertMetricName(metric: string): void {
  // Own properties only: `?metric=constructor` must not find Object.prototype's.
  if (!canonicalMetric(metric) && !CUSTOM_METRIC.test(metric)) {
    throw new DomainError('VALIDATION', `"${metric}" is not a metric name.`, {
      errors: [{ path: 'metric', message: 'unknown metric name' }],
    });
  }
}

/** The stored unit of a canonical metric; null for custom ones. */
export function unitOf(metric: string): string | null {
  return unitOfMetric(metric);
}

/** Whole buckets only: a half bucket at either end would show a misleading min/max. */
export function wholeBuckets(from: number, to: number, resolution: RollupResolution) {
  const width = ROLLUP_RESOLUTIONS[resolution] * 1_000;
  return {
    from: new Date(Math.floor(from / width) * width),
    to: new Date(Math.ceil(to / width) * width),
  };
}

/** A rollup bucket as a chart point: mean from the sum, time-weighted MKT for temperature. */
export function bucketPoint(metric: string, b: BucketPoint): SeriesPoint {
  return {
    ts: b.ts,
    count: b.count,
    min: b.min,
    max: b.max,
    mean: b.sum / b.count,
    mkt: metric === 'temperature' ? mktFromParts(b.mkt) : null,
  };
}
