ALTER TABLE "excursions" ADD COLUMN "longest_gap_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "readings" ADD COLUMN "held_ms" double precision;--> statement-breakpoint
ALTER TABLE "rollups_1m" ADD COLUMN "held_ms" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rollups_1m" ADD COLUMN "arrhenius_max" double precision;--> statement-breakpoint
ALTER TABLE "rollups_1m" ADD COLUMN "arrhenius_held" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rollups_1m" DROP COLUMN "arrhenius_sum";--> statement-breakpoint
-- Issue #22: MKT is weighted by time (core's MKT_WEIGHTING). e^x, but 0 below e^-700, where
-- Postgres's exp() raises on underflow; such a term is below double precision next to the max.
CREATE OR REPLACE FUNCTION mkt_exp0(x double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN x < -700 THEN 0 ELSE exp(x) END $$;--> statement-breakpoint
-- Existing temperature readings get their held time from their successor, as the ingest
-- statement keeps it from now on: min(next - ts, interval x 3); the newest one interval.
-- (3 is core's HELD_GAP_FACTOR; the device's current expected interval stands for the past.)
UPDATE readings r SET held_ms = w.held_ms
FROM (
  SELECT x.device_id, x.ts,
         least(coalesce(extract(epoch FROM (lead(x.ts) OVER (PARTITION BY x.device_id ORDER BY x.ts) - x.ts)) * 1000,
                        d.expected_interval_seconds * 1000.0),
               d.expected_interval_seconds * 3000.0) AS held_ms
  FROM readings x
  JOIN devices d ON d.tenant_id = x.tenant_id AND d.id = x.device_id
  WHERE x.metric = 'temperature'
) w
WHERE r.metric = 'temperature' AND r.device_id = w.device_id AND r.ts = w.ts;--> statement-breakpoint
-- Existing rollups are recomputed from the readings (not converted: count-weighted sums cannot
-- be turned into time-weighted ones).
UPDATE rollups_1m r SET held_ms = a.held_ms, arrhenius_max = a.m, arrhenius_held = a.s
FROM (
  SELECT device_id, bucket, sum(held_ms) AS held_ms, max(e) AS m, sum(held_ms * mkt_exp0(e - m)) AS s
  FROM (
    SELECT device_id, date_bin('1 minute', ts, timestamptz 'epoch') AS bucket, held_ms,
           -10000.0 / (value + 273.15) AS e,
           max(-10000.0 / (value + 273.15))
             OVER (PARTITION BY device_id, date_bin('1 minute', ts, timestamptz 'epoch')) AS m
    FROM readings WHERE metric = 'temperature'
  ) x
  GROUP BY device_id, bucket
) a
WHERE r.metric = 'temperature' AND r.device_id = a.device_id AND r.bucket = a.bucket;--> statement-breakpoint
-- Existing excursions: the longest stretch between consecutive readings from start to end.
UPDATE excursions e SET longest_gap_ms = g.gap
FROM (
  SELECT e2.id, coalesce(max(extract(epoch FROM (r.ts - r.prev)) * 1000), 0)::bigint AS gap
  FROM excursions e2
  CROSS JOIN LATERAL (
    SELECT x.ts, lag(x.ts) OVER (ORDER BY x.ts) AS prev FROM readings x
    WHERE x.device_id = e2.device_id AND x.metric = e2.metric
      AND x.ts >= e2.start_ts AND x.ts <= coalesce(e2.end_ts, e2.last_ts)
  ) r
  GROUP BY e2.id
) g
WHERE e.id = g.id;
