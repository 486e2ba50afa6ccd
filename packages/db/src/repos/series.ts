import { type MktParts, ROLLUP_RESOLUTIONS, type RollupResolution } from '@anythingiot/core';
import { sql } from 'drizzle-orm';
import type { Database } from '../client.js';
import { devices, rollups1m } from '../schema/index.js';
import { type FacilityScope, inFacilities } from './facility-scope.js';

/** A stored reading; `heldMs` is the time it represents for MKT (temperature; else null). */
export type RawPoint = {
  ts: Date;
  value: number;
  seq: number | null;
  receivedAt: Date;
  heldMs: number | null;
};
export type BucketPoint = {
  ts: Date;
  count: number;
  min: number;
  max: number;
  sum: number;
  /** The bucket's time-weighted MKT state (core's MktParts). */
  mkt: MktParts;
};

/** Folds 1-minute rollups into wider buckets; the MKT parts by log-sum-exp, as core does. */
const FOLD_COLUMNS = `sum(count) as count, min(min) as min, max(max) as max, sum(sum) as sum,
  sum(held_ms) as held_ms, max(arrhenius_max) as arrhenius_max,
  coalesce(sum(arrhenius_held * mkt_exp0(arrhenius_max - top)), 0) as arrhenius_held`;

type FoldedRow = {
  count: string | number;
  min: number;
  max: number;
  sum: number;
  held_ms: number;
  arrhenius_max: number | null;
  arrhenius_held: number;
};

function foldedPoint(ts: Date, r: FoldedRow): BucketPoint {
  return {
    ts,
    count: Number(r.count),
    min: Number(r.min),
    max: Number(r.max),
    sum: Number(r.sum),
    mkt: {
      heldMs: Number(r.held_ms),
      max: r.arrhenius_max === null ? null : Number(r.arrhenius_max),
      weighted: Number(r.arrhenius_held),
    },
  };
}
type Range = { tenantId: string; deviceId: string; metric: string; from: Date; to: Date };

/** Raw readings of one metric in [from, to), oldest first, at most `limit`. */
export async function rawSeries(db: Database, q: Range, limit: number): Promise<RawPoint[]> {
  const { rows } = await db.$client.query<{
    ts: Date;
    value: number;
    seq: string | null;
    received_at: Date;
    held_ms: number | null;
  }>(
    `select ts, value, seq, received_at, held_ms from readings
     where tenant_id = $1 and device_id = $2 and metric = $3 and ts >= $4 and ts < $5
     order by ts limit $6`,
    [q.tenantId, q.deviceId, q.metric, q.from, q.to, limit],
  );
  return rows.map((r) => ({
    ts: r.ts,
    value: r.value,
    seq: r.seq === null ? null : Number(r.seq),
    receivedAt: r.received_at,
    heldMs: r.held_ms,
  }));
}

/**
 * Buckets of one metric in [from, to), folded from the 1-minute rollups (count, min, max, sum
 * and the Arrhenius sum MKT needs all add up exactly), oldest first, at most `limit`: the
 * caller has already capped the range (core's MAX_SERIES_POINTS); the LIMIT is the second guard.
 * Buckets are aligned to UTC.
 */
export async function bucketSeries(
  db: Database,
  q: Range,
  resolution: RollupResolution,
  limit: number,
): Promise<BucketPoint[]> {
  const { rows } = await db.$client.query<FoldedRow & { ts: Date }>(
    `select ts, ${FOLD_COLUMNS}
     from (select date_bin(make_interval(secs => $6), bucket, timestamptz 'epoch') as ts, *,
                  max(arrhenius_max) over (partition by date_bin(make_interval(secs => $6), bucket,
                                                                 timestamptz 'epoch')) as top
           from rollups_1m
           where tenant_id = $1 and device_id = $2 and metric = $3 and bucket >= $4 and bucket < $5) b
     group by ts order by ts limit $7`,
    [q.tenantId, q.deviceId, q.metric, q.from, q.to, ROLLUP_RESOLUTIONS[resolution], limit],
  );
  return rows.map((r) => foldedPoint(r.ts, r));
}

/** A bucket of one of several devices (`bucketSeriesOfFacility`). */
export type DeviceBucketPoint = BucketPoint & { deviceId: string };

/**
 * `bucketSeries` for many devices of one facility in one statement (a facility page's
 * sparklines), oldest first per device, at most `limit` rows in all. The facility, the caller's facility scope and the
 * tenant are all in the WHERE: a device elsewhere, or out of reach, contributes nothing.
 */
export async function bucketSeriesOfFacility(
  db: Database,
  q: Omit<Range, 'deviceId'> & { facilityId: string; deviceIds: readonly string[] },
  resolution: RollupResolution,
  limit: number,
  scope: FacilityScope = {},
): Promise<DeviceBucketPoint[]> {
  if (q.deviceIds.length === 0) return [];
  const visible = inFacilities(devices.facilityId, scope);
  const width = ROLLUP_RESOLUTIONS[resolution];
  const { rows } = await db.execute<FoldedRow & { device_id: string; ts: string | Date }>(
    sql`select device_id, ts, ${sql.raw(FOLD_COLUMNS)}
        from (select r.*,
                     date_bin(make_interval(secs => ${width}), r.bucket, timestamptz 'epoch') as ts,
                     max(r.arrhenius_max) over (partition by r.device_id,
                       date_bin(make_interval(secs => ${width}), r.bucket, timestamptz 'epoch')) as top
              from ${rollups1m} r
              join ${devices} on ${devices.tenantId} = r.tenant_id and ${devices.id} = r.device_id
              where r.tenant_id = ${q.tenantId} and ${devices.tenantId} = ${q.tenantId}
                and ${devices.facilityId} = ${q.facilityId}
                ${visible ? sql`and ${visible}` : sql``}
                and r.device_id in ${[...q.deviceIds]} and r.metric = ${q.metric}
                and r.bucket >= ${q.from} and r.bucket < ${q.to}) b
        group by device_id, ts order by device_id, ts limit ${limit}`,
  );
  return rows.map((r) => ({ deviceId: r.device_id, ...foldedPoint(new Date(r.ts), r) }));
}
