import { ROLLUP_RESOLUTIONS, type RollupResolution } from '@anythingiot/core';
import { sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { devices, rollups1m } from '../schema/index.js';
import { type FacilityScope, inFacilities } from './facility-scope.js';

export type RawPoint = { ts: Date; value: number; seq: number | null; receivedAt: Date };
export type BucketPoint = {
  ts: Date;
  count: number;
  min: number;
  max: number;
  sum: number;
  arrheniusSum: number;
};
type Range = { tenantId: string; deviceId: string; metric: string; from: Date; to: Date };

/** Raw readings of one metric in [from, to), oldest first, at most `limit`. */
export async function rawSeries(db: Database, q: Range, limit: number): Promise<RawPoint[]> {
  const { rows } = await db.$client.query<{
    ts: Date;
    value: number;
    seq: string | null;
    received_at: Date;
  }>(
    `select ts, value, seq, received_at from readings
     where tenant_id = $1 and device_id = $2 and metric = $3 and ts >= $4 and ts < $5
     order by ts limit $6`,
    [q.tenantId, q.deviceId, q.metric, q.from, q.to, limit],
  );
  return rows.map((r) => ({
    ts: r.ts,
    value: r.value,
    seq: r.seq === null ? null : Number(r.seq),
    receivedAt: r.received_at,
  }));
}

/**
 * Buckets of one metric in [from, to), folded from the 1-minute rollups (count, min, max, sum
 * and the Arrhenius sum MKT needs all add up exactly). Buckets are aligned to UTC.
 */
export async function bucketSeries(
  db: Database,
  q: Range,
  resolution: RollupResolution,
): Promise<BucketPoint[]> {
  const { rows } = await db.$client.query<{
    ts: Date;
    count: string;
    min: number;
    max: number;
    sum: number;
    arrhenius_sum: number;
  }>(
    `select date_bin(make_interval(secs => $6), bucket, timestamptz 'epoch') as ts,
            sum(count) as count, min(min) as min, max(max) as max, sum(sum) as sum,
            sum(arrhenius_sum) as arrhenius_sum
     from rollups_1m
     where tenant_id = $1 and device_id = $2 and metric = $3 and bucket >= $4 and bucket < $5
     group by 1 order by 1`,
    [q.tenantId, q.deviceId, q.metric, q.from, q.to, ROLLUP_RESOLUTIONS[resolution]],
  );
  return rows.map((r) => ({
    ts: r.ts,
    count: Number(r.count),
    min: r.min,
    max: r.max,
    sum: r.sum,
    arrheniusSum: r.arrhenius_sum,
  }));
}

/** A bucket of one of several devices (`bucketSeriesOfFacility`). */
export type DeviceBucketPoint = BucketPoint & { deviceId: string };

/**
 * `bucketSeries` for many devices of one facility in one statement (a facility page's
 * sparklines), oldest first per device. The facility, the caller's facility scope and the
 * tenant are all in the WHERE: a device elsewhere, or out of reach, contributes nothing.
 */
export async function bucketSeriesOfFacility(
  db: Database,
  q: Omit<Range, 'deviceId'> & { facilityId: string; deviceIds: readonly string[] },
  resolution: RollupResolution,
  scope: FacilityScope = {},
): Promise<DeviceBucketPoint[]> {
  if (q.deviceIds.length === 0) return [];
  const visible = inFacilities(devices.facilityId, scope);
  const { rows } = await db.execute<{
    device_id: string;
    ts: string | Date;
    count: string | number;
    min: number;
    max: number;
    sum: number;
    arrhenius_sum: number;
  }>(
    sql`select r.device_id,
               date_bin(make_interval(secs => ${ROLLUP_RESOLUTIONS[resolution]}), r.bucket,
                        timestamptz 'epoch') as ts,
               sum(r.count) as count, min(r.min) as min, max(r.max) as max, sum(r.sum) as sum,
               sum(r.arrhenius_sum) as arrhenius_sum
        from ${rollups1m} r
        join ${devices} on ${devices.tenantId} = r.tenant_id and ${devices.id} = r.device_id
        where r.tenant_id = ${q.tenantId} and ${devices.tenantId} = ${q.tenantId}
          and ${devices.facilityId} = ${q.facilityId}
          ${visible ? sql`and ${visible}` : sql``}
          and r.device_id in ${[...q.deviceIds]} and r.metric = ${q.metric}
          and r.bucket >= ${q.from} and r.bucket < ${q.to}
        group by 1, 2 order by 1, 2`,
  );
  return rows.map((r) => ({
    deviceId: r.device_id,
    ts: new Date(r.ts),
    count: Number(r.count),
    min: Number(r.min),
    max: Number(r.max),
    sum: Number(r.sum),
    arrheniusSum: Number(r.arrhenius_sum),
  }));
}
