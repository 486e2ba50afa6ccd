import { DELTA_H_OVER_R, type ReadingRow } from '@anythingiot/core';
import type { Database } from '../client.js';

export type IngestOutcome = { accepted: number; duplicates: number };

/**
 * Stores a device's batch in ONE statement (one round trip, atomic): readings are inserted
 * with ON CONFLICT DO NOTHING (identity = device, metric, event time), and only the rows that
 * were really new feed the 1-minute rollups and the latest-state rows, so a retry or backfill
 * never double-counts. The latest state only moves forward in event time.
 */
export async function ingestReadings(
  db: Database,
  target: { tenantId: string; deviceId: string },
  rows: ReadingRow[],
): Promise<IngestOutcome> {
  if (rows.length === 0) return { accepted: 0, duplicates: 0 };
  const result = await db.$client.query<{ accepted: number }>(INGEST_SQL, [
    target.tenantId,
    target.deviceId,
    rows.map((r) => r.metric),
    rows.map((r) => new Date(r.ts).toISOString()),
    rows.map((r) => r.value),
    rows.map((r) => r.seq),
  ]);
  const accepted = result.rows[0]?.accepted ?? 0;
  return { accepted, duplicates: rows.length - accepted };
}

// exp() underflow raises in Postgres; clamping at e^-700 changes nothing measurable.
const INGEST_SQL = `
with input as (
  select * from unnest($3::text[], $4::timestamptz[], $5::float8[], $6::int8[]) as i(metric, ts, value, seq)
), ins as (
  insert into readings (tenant_id, device_id, metric, ts, value, seq)
  select $1, $2, metric, ts, value, seq from input
  on conflict (device_id, metric, ts) do nothing
  returning metric, ts, value, seq
), rolled as (
  insert into rollups_1m as r (tenant_id, device_id, metric, bucket, count, min, max, sum, arrhenius_sum)
  select $1, $2, metric, date_bin('1 minute', ts, timestamptz 'epoch'), count(*), min(value), max(value), sum(value),
         sum(case when metric = 'temperature'
                  then exp(greatest(-700, -${DELTA_H_OVER_R}.0 / (value + 273.15))) else 0 end)
  from ins
  group by metric, date_bin('1 minute', ts, timestamptz 'epoch')
  on conflict (device_id, metric, bucket) do update set
    count = r.count + excluded.count,
    min = least(r.min, excluded.min),
    max = greatest(r.max, excluded.max),
    sum = r.sum + excluded.sum,
    arrhenius_sum = r.arrhenius_sum + excluded.arrhenius_sum
), latest as (
  insert into device_latest as l (tenant_id, device_id, metric, ts, value, seq)
  select distinct on (metric) $1, $2, metric, ts, value, seq from ins order by metric, ts desc
  on conflict (device_id, metric) do update set
    ts = excluded.ts, value = excluded.value, seq = excluded.seq, received_at = now()
  where excluded.ts > l.ts
), seen as (
  update devices set last_seen_at = now() where tenant_id = $1 and id = $2
)
select count(*)::int as accepted from ins`;
