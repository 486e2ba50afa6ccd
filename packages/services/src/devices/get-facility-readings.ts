import {
  DomainError,
  isId,
  MAX_SERIES_POINTS,
  planReadingsQuery,
  type RollupResolution,
  type SeriesSummary,
  summarise,
} from '@anythingiot/core';
import { bucketSeriesOfFacility, type DeviceBucketPoint } from '@anythingiot/db';
import type { TenantCtx } from '../context.js';
import { facilityNotFound } from '../facilities/facility-errors.js';
import {
  assertMetricName,
  bucketPoint,
  type SeriesPoint,
  unitOf,
  wholeBuckets,
} from './get-readings.js';

/** Devices per call: a facility page's worth (it shows 60), not a whole fleet. */
export const MAX_FACILITY_SERIES = 100;
const DEFAULT_RANGE_MS = 24 * 3_600_000;

export type FacilityReadingsQuery = {
  facilityId: string;
  deviceIds: readonly string[];
  metric: string;
  from?: Date;
  to?: Date;
  /** Buckets only: the rollups answer many devices at once, raw readings would not. */
  resolution: RollupResolution;
};

export type FacilityReadings = {
  facilityId: string;
  metric: string;
  unit: string | null;
  resolution: RollupResolution;
  from: Date;
  to: Date;
  /**
   * One entry per device asked for, in that order: the buckets `getReadings` would give it.
   * A device in another facility, or out of the caller's reach, gets none, like one with no data.
   */
  series: { deviceId: string; points: SeriesPoint[]; summary: SeriesSummary | null }[];
};

/**
 * One metric of several devices of one facility over a range (default: the last 24 h), in
 * buckets folded from the 1-minute rollups — one statement for all of them, where a facility
 * page's sparklines used to cost two round trips per device. The facility and the caller's
 * facility scope are in that statement's WHERE; this does not say whether the facility exists
 * (callers that show it have already fetched it with getFacility).
 */
export async function getFacilityReadings({
  ctx,
  input,
}: {
  ctx: TenantCtx;
  input: FacilityReadingsQuery;
}): Promise<FacilityReadings> {
  if (!isId('facility', input.facilityId)) throw facilityNotFound(input.facilityId);
  assertMetricName(input.metric);
  const deviceIds = [...new Set(input.deviceIds)];
  if (deviceIds.length > MAX_FACILITY_SERIES) {
    throw new DomainError('VALIDATION', `Ask for at most ${MAX_FACILITY_SERIES} devices.`, {
      errors: [{ path: 'deviceIds', message: `at most ${MAX_FACILITY_SERIES} devices` }],
    });
  }
  const bad = deviceIds.find((id) => !isId('device', id));
  if (bad !== undefined) {
    throw new DomainError('VALIDATION', `"${bad}" is not a device id.`, {
      errors: [{ path: 'deviceIds', message: 'not a device id' }],
    });
  }
  const to = input.to?.getTime() ?? ctx.ports.now();
  const plan = planReadingsQuery({
    from: input.from?.getTime() ?? to - DEFAULT_RANGE_MS,
    to,
    resolution: input.resolution,
  });
  const range = wholeBuckets(plan.from, plan.to, input.resolution);
  const buckets = await bucketSeriesOfFacility(
    ctx.db,
    {
      tenantId: ctx.tenantId,
      facilityId: input.facilityId,
      deviceIds,
      metric: input.metric,
      ...range,
    },
    input.resolution,
    // The range is capped per device by planReadingsQuery; this bounds the statement as well.
    deviceIds.length * MAX_SERIES_POINTS,
    ctx,
  );
  const byDevice = new Map<string, DeviceBucketPoint[]>();
  for (const b of buckets) {
    const list = byDevice.get(b.deviceId) ?? [];
    list.push(b);
    byDevice.set(b.deviceId, list);
  }
  return {
    facilityId: input.facilityId,
    metric: input.metric,
    unit: unitOf(input.metric),
    resolution: input.resolution,
    ...range,
    series: deviceIds.map((deviceId) => {
      const own = byDevice.get(deviceId) ?? [];
      return {
        deviceId,
        points: own.map((b) => bucketPoint(input.metric, b)),
        summary: summarise(input.metric, own),
      };
    }),
  };
}
