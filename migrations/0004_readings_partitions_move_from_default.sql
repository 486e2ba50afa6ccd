-- Hand-written (drizzle-kit generate --custom): drizzle cannot declare partitioning.
-- readings_ensure_partitions, now safe to run from a scheduled job at any time:
-- * concurrent runs (a job redelivered while still running) queue on an advisory lock instead
--   of racing to create the same table;
-- * if the schedule was ever off long enough that readings landed in the DEFAULT partition,
--   Postgres would refuse to create that month ("updated partition constraint for default
--   partition would be violated"), so those rows are moved into the new month first.
CREATE OR REPLACE FUNCTION readings_ensure_partitions(from_month date, to_month date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', from_month);
  created integer := 0;
  name text;
  lo timestamptz;
  hi timestamptz;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('readings_ensure_partitions'));
  WHILE m < to_month LOOP
    name := format('readings_%s', to_char(m, 'YYYY_MM'));
    IF to_regclass(name) IS NULL THEN
      lo := m::timestamp AT TIME ZONE 'UTC';
      hi := (m + interval '1 month')::timestamp AT TIME ZONE 'UTC';
      IF EXISTS (SELECT 1 FROM readings_default WHERE ts >= lo AND ts < hi) THEN
        EXECUTE format('CREATE TABLE %I (LIKE readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
        EXECUTE format(
          'WITH moved AS (DELETE FROM readings_default WHERE ts >= %L AND ts < %L RETURNING *) '
          'INSERT INTO %I SELECT * FROM moved', lo, hi, name);
        EXECUTE format('ALTER TABLE readings ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
      ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF readings FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
      END IF;
      created := created + 1;
    END IF;
    m := m + interval '1 month';
  END LOOP;
  RETURN created;
END;
$$;
