import {
  COMMAND_REDELIVERY_SECONDS,
  DELTA_H_OVER_R,
  HELD_GAP_FACTOR,
  type OpenSeqGap,
  type ReadingRow,
  type SeqGapChanges,
  type SeqPoint,
  trackSeqGaps,
} from '@anythingiot/core';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database, SqlOverHttp } from '../client.js';
import { deviceSeqGaps } from '../schema/index.js';

/**
 * Where the ingest statements go: a drizzle database (its WebSocket pool) or a one-shot query
 * function such as `createSqlOverHttp` (Neon's HTTP mode: the hot path, one request per post).
 */
export type IngestExecutor = Database | SqlOverHttp;

function query<R extends Record<string, unknown>>(
  executor: IngestExecutor,
  text: string,
  params: unknown[],
): Promise<{ rows: R[] }> {
  return '$client' in executor
    ? executor.$client.query<R>(text, params)
    : executor.query<R>(text, params);
}

/** Why the guarded ingest statement refused to write anything. */
export type IngestRefusal = 'revoked' | 'expired' | 'unknown';

export type SeqGapSummary = {
  opened: number;
  filled: number;
  resets: number;
  /** Set when the readings were stored but keeping the gaps up to date failed. */
  error?: unknown;
};

export type IngestOutcome =
  | {
      status: 'stored';
      accepted: number;
      duplicates: number;
      seqGaps?: SeqGapSummary;
      /**
       * An alert rule watches one of the batch's metrics on this device, or an offline alert
       * is waiting for data: the caller must evaluate. Asked in the same statement so that
       * devices nobody set rules for keep one round trip per post.
       */
      evaluate: boolean;
      /**
       * A command is waiting for the device (pending, or sent and unacknowledged long enough to
       * send again): the caller claims it for the answer. Asked in the same statement, so a
       * device with nothing waiting keeps its one round trip.
       */
      commandsWaiting: boolean;
      /** The device's facility as the statement saw it: live updates are routed by it. */
      facilityId: string | null;
    }
  | { status: 'refused'; reason: IngestRefusal };

/**
 * The credential that verified the post. The statement writes only if the device is still
 * active and this credential is still the one stored, unrevoked and unexpired — so a cached
 * credential can never outlive a revocation, even one nobody told the cache about.
 */
export type IngestGuard = { credentialId: string; sealedSecret: string };

type IngestRow = {
  accepted: number;
  allowed: boolean;
  device_status: string | null;
  credential_found: boolean | null;
  credential_revoked: boolean | null;
  prev_seq: string | null;
  prev_ts: Date | string | null;
  rules_apply: boolean;
  offline_open: boolean;
  commands_waiting: boolean;
  facility_id: string | null;
  open_gaps: {
    id: number;
    from_seq: number;
    to_seq: number;
    after_ts: string;
    before_ts: string;
  }[];
};

/**
 * Stores a device's batch in ONE statement (one round trip, atomic): readings are inserted
 * with ON CONFLICT DO NOTHING (identity = device, metric, event time), and only the rows that
 * were really new feed the 1-minute rollups and the latest-state rows, so a retry or backfill
 * never double-counts. The latest state only moves forward in event time.
 *
 * With a `guard`, nothing is written unless the device and the verifying credential are still
 * valid (see IngestGuard). When readings carry `seq`, the same statement moves the device's
 * sequence cursor and returns the open gaps the batch could fill; only when the batch opens or
 * fills a gap (rare: a device that lost or backfills data) does a second statement follow.
 */
export async function ingestReadings(
  db: IngestExecutor,
  target: { tenantId: string; deviceId: string },
  rows: ReadingRow[],
  guard?: IngestGuard,
): Promise<IngestOutcome> {
  if (rows.length === 0) {
    return {
      status: 'stored',
      accepted: 0,
      duplicates: 0,
      evaluate: false,
      commandsWaiting: false,
      facilityId: null,
    };
  }
  const result = await query<IngestRow>(db, INGEST_SQL, [
    target.tenantId,
    target.deviceId,
    rows.map((r) => r.metric),
    rows.map((r) => new Date(r.ts).toISOString()),
    rows.map((r) => r.value),
    rows.map((r) => r.seq),
    guard?.credentialId ?? null,
    guard?.sealedSecret ?? null,
  ]);
  const row = result.rows[0];
  if (!row) throw new Error('ingest statement returned no row');
  if (!row.allowed) return { status: 'refused', reason: refusal(row, guard !== undefined) };
  const outcome = {
    status: 'stored' as const,
    accepted: row.accepted,
    duplicates: rows.length - row.accepted,
    evaluate: row.rules_apply || row.offline_open,
    commandsWaiting: row.commands_waiting,
    facilityId: row.facility_id,
  };
  const points = rows.flatMap((r): SeqPoint[] =>
    r.seq === null ? [] : [{ seq: r.seq, ts: r.ts }],
  );
  if (points.length === 0) return outcome;

  const changes = trackSeqGaps(cursorBefore(row), openGaps(row), points);
  const seqGaps: SeqGapSummary = {
    opened: changes.opened.length,
    filled: changes.filled.length,
    resets: changes.resets,
  };
  if (seqGaps.opened > 0 || seqGaps.filled > 0) {
    try {
      await applySeqGapChanges(db, target, changes);
    } catch (error) {
      // The readings are committed: answering an error now would only make the device resend
      // what we already have. The caller logs it; the gap list is advisory.
      seqGaps.error = error;
    }
  }
  return { ...outcome, seqGaps };
}

function refusal(row: IngestRow, guarded: boolean): IngestRefusal {
  if (row.device_status === null) return 'unknown';
  if (row.device_status !== 'active') return 'revoked';
  if (guarded && !row.credential_found) return 'unknown';
  return row.credential_revoked ? 'revoked' : 'expired';
}

/**
 * The device's sequence position before this batch (null: never seen with seq). The cursor row
 * is updated by every batch with seq and returns its previous position; that update sees the
 * latest committed row, so concurrent posts of one device serialise on it.
 */
function cursorBefore(row: IngestRow): SeqPoint | null {
  if (row.prev_ts === null || row.prev_seq === null) return null;
  return { seq: Number(row.prev_seq), ts: new Date(row.prev_ts).getTime() };
}

function openGaps(row: IngestRow): OpenSeqGap<number>[] {
  return row.open_gaps.map((g) => ({
    id: Number(g.id),
    fromSeq: Number(g.from_seq),
    toSeq: Number(g.to_seq),
    afterTs: new Date(g.after_ts).getTime(),
    beforeTs: new Date(g.before_ts).getTime(),
  }));
}

/**
 * Closes the filled gaps and inserts what is still missing plus the new gaps, in one statement.
 * A gap another post closed meanwhile is left alone (its remainder came with that post).
 */
async function applySeqGapChanges(
  db: IngestExecutor,
  target: { tenantId: string; deviceId: string },
  changes: SeqGapChanges<number>,
) {
  const pieces = [
    ...changes.filled.flatMap((f) =>
      f.remaining.map((r) => ({ gapId: f.id as number | null, ...r })),
    ),
    ...changes.opened.map((r) => ({ gapId: null, ...r })),
  ];
  await query(db, APPLY_GAPS_SQL, [
    target.tenantId,
    target.deviceId,
    changes.filled.map((f) => f.id),
    pieces.map((p) => p.gapId),
    pieces.map((p) => p.fromSeq),
    pieces.map((p) => p.toSeq),
    pieces.map((p) => new Date(p.afterTs).toISOString()),
    pieces.map((p) => new Date(p.beforeTs).toISOString()),
  ]);
}

export type SeqGap = {
  fromSeq: number;
  toSeq: number;
  afterTs: Date;
  beforeTs: Date;
  detectedAt: Date;
  filledAt: Date | null;
};

/** A device's sequence gaps (oldest first), scoped by tenant; `openOnly` hides filled ones. */
export function listSeqGaps(
  db: Database,
  tenantId: string,
  deviceId: string,
  options: { openOnly?: boolean } = {},
): Promise<SeqGap[]> {
  return db
    .select({
      fromSeq: deviceSeqGaps.fromSeq,
      toSeq: deviceSeqGaps.toSeq,
      afterTs: deviceSeqGaps.afterTs,
      beforeTs: deviceSeqGaps.beforeTs,
      detectedAt: deviceSeqGaps.detectedAt,
      filledAt: deviceSeqGaps.filledAt,
    })
    .from(deviceSeqGaps)
    .where(
      and(
        eq(deviceSeqGaps.tenantId, tenantId),
        eq(deviceSeqGaps.deviceId, deviceId),
        options.openOnly ? isNull(deviceSeqGaps.filledAt) : undefined,
      ),
    )
    .orderBy(asc(deviceSeqGaps.afterTs), asc(deviceSeqGaps.fromSeq), asc(deviceSeqGaps.id));
}

// Time-weighted MKT (core's MKT_WEIGHTING): a new temperature reading's held time runs to the
// next instant stored or in the batch (capped; the newest: one interval), and the stored
// reading just before it now ends at it, so its held time shrinks: both changes go into the
// buckets of the readings' own timestamps, which keeps Σ over buckets equal to Σ over
// readings under late and back-filled arrival. Snapshot reads: two posts of one device
// racing each other can leave a neighbour's held time stale (a device posts serially; the
// migration's recomputation query restores it). mkt_exp0 (migration 0013): exp() underflow
// raises in Postgres.
// Every write is conditioned on `ok` (the guard), so a refused post writes nothing at all.
// Postgres 17 has no RETURNING OLD: the cursor keeps its previous position in prev_* so the
// upsert can return it.
const INGEST_SQL = `
with guard as (
  select d.status, d.facility_id, c.id is not null as credential_found, c.revoked_at, c.valid_until
  from devices d
  left join device_credentials c
    on c.tenant_id = d.tenant_id and c.device_id = d.id and c.id = $7 and c.secret_ciphertext = $8
  where d.tenant_id = $1 and d.id = $2
), ok as (
  select 1 from guard
  where status = 'active'
    and ($7::text is null
         or (credential_found and revoked_at is null and (valid_until is null or valid_until > now())))
), input as (
  select * from unnest($3::text[], $4::timestamptz[], $5::float8[], $6::int8[]) as i(metric, ts, value, seq)
  where exists (select 1 from ok)
), dev as (
  select expected_interval_seconds * 1000.0 as tail_ms,
         expected_interval_seconds * 1000.0 * ${HELD_GAP_FACTOR} as cap_ms
  from devices where tenant_id = $1 and id = $2
), batch_t as (
  select distinct ts from input where metric = 'temperature'
), new_t as (
  select b.ts from batch_t b
  where not exists (select 1 from readings r
                    where r.device_id = $2 and r.metric = 'temperature' and r.ts = b.ts)
), held_new as (
  select n.ts,
         least(coalesce(extract(epoch from least(
                          (select min(b.ts) from batch_t b where b.ts > n.ts),
                          (select min(r.ts) from readings r
                           where r.device_id = $2 and r.metric = 'temperature' and r.ts > n.ts)
                        ) - n.ts) * 1000,
                        (select tail_ms from dev)),
               (select cap_ms from dev)) as held_ms
  from new_t n
), prev_t as (
  select distinct p.ts, p.value, p.held_ms as old_held
  from new_t n
  cross join lateral (select r.ts, r.value, r.held_ms from readings r
                      where r.device_id = $2 and r.metric = 'temperature' and r.ts < n.ts
                      order by r.ts desc limit 1) p
), prev_new as (
  select p.ts, p.value, p.old_held,
         least(extract(epoch from (select min(n.ts) from new_t n where n.ts > p.ts) - p.ts) * 1000,
               (select cap_ms from dev)) as held_ms
  from prev_t p
), reheld as (
  update readings r set held_ms = pn.held_ms
  from prev_new pn
  where r.device_id = $2 and r.metric = 'temperature' and r.ts = pn.ts
    and r.held_ms is distinct from pn.held_ms and exists (select 1 from ok)
  returning r.ts, pn.value, pn.held_ms - coalesce(pn.old_held, 0) as delta
), ins as (
  insert into readings (tenant_id, device_id, metric, ts, value, seq, held_ms)
  select $1, $2, i.metric, i.ts, i.value, i.seq, h.held_ms
  from input i left join held_new h on i.metric = 'temperature' and h.ts = i.ts
  on conflict (device_id, metric, ts) do nothing
  returning metric, ts, value, seq, held_ms
), contrib as (
  select metric, ts, value, 1 as n, held_ms from ins
  union all
  select 'temperature', ts, value, 0, delta from reheld
), contrib_e as (
  select metric, value, n, held_ms, date_bin('1 minute', ts, timestamptz 'epoch') as bucket,
         case when metric = 'temperature' then -${DELTA_H_OVER_R}.0 / (value + 273.15) end as e
  from contrib
), contrib_m as (
  select *, max(e) over (partition by metric, bucket) as m from contrib_e
), rolled as (
  insert into rollups_1m as r
    (tenant_id, device_id, metric, bucket, count, min, max, sum, held_ms, arrhenius_max, arrhenius_held)
  select $1, $2, metric, bucket, sum(n)::int, min(value), max(value), sum(value * n),
         coalesce(sum(held_ms), 0), max(m), coalesce(sum(held_ms * mkt_exp0(e - m)), 0)
  from contrib_m
  group by metric, bucket
  on conflict (device_id, metric, bucket) do update set
    count = r.count + excluded.count,
    min = least(r.min, excluded.min),
    max = greatest(r.max, excluded.max),
    sum = r.sum + excluded.sum,
    held_ms = r.held_ms + excluded.held_ms,
    arrhenius_max = greatest(r.arrhenius_max, excluded.arrhenius_max),
    arrhenius_held =
      coalesce(r.arrhenius_held
               * mkt_exp0(r.arrhenius_max - greatest(r.arrhenius_max, excluded.arrhenius_max)), 0)
      + coalesce(excluded.arrhenius_held
               * mkt_exp0(excluded.arrhenius_max - greatest(r.arrhenius_max, excluded.arrhenius_max)), 0)
), latest as (
  insert into device_latest as l (tenant_id, device_id, metric, ts, value, seq)
  select distinct on (metric) $1, $2, metric, ts, value, seq from ins order by metric, ts desc
  on conflict (device_id, metric) do update set
    ts = excluded.ts, value = excluded.value, seq = excluded.seq, received_at = now()
  where excluded.ts > l.ts
), seen as (
  update devices set last_seen_at = now() where tenant_id = $1 and id = $2 and exists (select 1 from ok)
), cursor as (
  insert into device_seq_cursors as s (tenant_id, device_id, seq, ts)
  select $1, $2, seq, ts from input where seq is not null order by ts desc, seq desc limit 1
  on conflict (device_id) do update set
    prev_seq = s.seq, prev_ts = s.ts,
    seq = case when excluded.ts > s.ts then excluded.seq else s.seq end,
    ts = greatest(s.ts, excluded.ts)
  returning prev_seq, prev_ts
), gaps as (
  select g.id, g.from_seq, g.to_seq, g.after_ts, g.before_ts
  from device_seq_gaps g, (select min(seq) as lo, max(seq) as hi from input) b
  where g.device_id = $2 and g.tenant_id = $1 and g.filled_at is null
    and g.to_seq >= b.lo and g.from_seq <= b.hi
)
select (select count(*)::int from ins) as accepted,
       exists (select 1 from ok) as allowed,
       (select status from guard) as device_status,
       (select facility_id from guard) as facility_id,
       (select credential_found from guard) as credential_found,
       (select revoked_at is not null from guard) as credential_revoked,
       c.prev_seq::text, c.prev_ts,
       coalesce((select json_agg(gaps) from gaps), '[]') as open_gaps,
       exists (select 1 from alert_rules r
               where r.tenant_id = $1 and r.archived_at is null and r.enabled
                 and r.metric = any($3::text[])
                 and (r.scope_kind = 'tenant' or r.device_id = $2
                      or r.facility_id = (select facility_id from guard))) as rules_apply,
       exists (select 1 from alerts a
               where a.device_id = $2 and a.kind = 'offline' and a.status <> 'resolved'
                 and a.ended_at is null) as offline_open,
       exists (select 1 from commands k
               where k.device_id = $2 and k.tenant_id = $1 and k.status in ('pending','sent')
                 and k.expires_at > now()
                 and (k.status = 'pending'
                      or k.last_sent_at <= now() - interval '${COMMAND_REDELIVERY_SECONDS} seconds')
              ) as commands_waiting
from (select 1) one left join cursor c on true`;

const APPLY_GAPS_SQL = `
with closed as (
  update device_seq_gaps set filled_at = now()
  where tenant_id = $1 and device_id = $2 and filled_at is null and id = any($3::int8[])
  returning id, detected_at
), pieces as (
  select * from unnest($4::int8[], $5::int8[], $6::int8[], $7::timestamptz[], $8::timestamptz[])
    as p(gap_id, from_seq, to_seq, after_ts, before_ts)
)
insert into device_seq_gaps (tenant_id, device_id, from_seq, to_seq, after_ts, before_ts, detected_at)
select $1, $2, p.from_seq, p.to_seq, p.after_ts, p.before_ts, coalesce(c.detected_at, now())
from pieces p left join closed c on c.id = p.gap_id
where p.gap_id is null or c.id is not null`;

/**
 * Creates the missing monthly partitions of `readings` from `now`'s month through `monthsAhead`
 * months ahead (the same horizon migration 0002 set up); returns how many it created. Safe to
 * repeat and to run concurrently; rows that fell into the DEFAULT partition meanwhile are moved
 * into their month (migration 0004).
 */
export async function ensureReadingPartitions(
  db: Database,
  now: Date,
  monthsAhead = 3,
): Promise<number> {
  const result = await db.$client.query<{ created: number }>(
    `select readings_ensure_partitions(
       date_trunc('month', $1::timestamptz at time zone 'UTC')::date,
       (($1::timestamptz at time zone 'UTC') + make_interval(months => $2))::date
     ) as created`,
    [now.toISOString(), monthsAhead],
  );
  return result.rows[0]?.created ?? 0;
}
