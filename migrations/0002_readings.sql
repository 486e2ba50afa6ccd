CREATE TABLE "device_latest" (
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"metric" text NOT NULL,
	"ts" timestamp (3) with time zone NOT NULL,
	"value" double precision NOT NULL,
	"seq" bigint,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "device_latest_pkey" PRIMARY KEY("device_id","metric")
);
--> statement-breakpoint
CREATE TABLE "readings" (
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"metric" text NOT NULL,
	"ts" timestamp (3) with time zone NOT NULL,
	"value" double precision NOT NULL,
	"seq" bigint,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "readings_pkey" PRIMARY KEY("device_id","metric","ts")
) PARTITION BY RANGE ("ts");
--> statement-breakpoint
CREATE TABLE "rollups_1m" (
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"metric" text NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"count" integer NOT NULL,
	"min" double precision NOT NULL,
	"max" double precision NOT NULL,
	"sum" double precision NOT NULL,
	"arrhenius_sum" double precision NOT NULL,
	CONSTRAINT "rollups_1m_pkey" PRIMARY KEY("device_id","metric","bucket")
);
--> statement-breakpoint
ALTER TABLE "device_latest" ADD CONSTRAINT "device_latest_device_fk" FOREIGN KEY ("tenant_id","device_id") REFERENCES "public"."devices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "readings" ADD CONSTRAINT "readings_device_fk" FOREIGN KEY ("tenant_id","device_id") REFERENCES "public"."devices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rollups_1m" ADD CONSTRAINT "rollups_1m_device_fk" FOREIGN KEY ("tenant_id","device_id") REFERENCES "public"."devices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Monthly partitions (hand-added to drizzle-kit's output: drizzle cannot declare partitioning).
-- readings_ensure_partitions creates any missing month in [from, to); a DEFAULT partition
-- catches anything outside, so an insert never fails for want of a partition.
CREATE FUNCTION readings_ensure_partitions(from_month date, to_month date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', from_month);
  created integer := 0;
  name text;
BEGIN
  WHILE m < to_month LOOP
    name := format('readings_%s', to_char(m, 'YYYY_MM'));
    IF to_regclass(name) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF readings FOR VALUES FROM (%L) TO (%L)',
        name, m::timestamp AT TIME ZONE 'UTC', (m + interval '1 month')::timestamp AT TIME ZONE 'UTC'
      );
      created := created + 1;
    END IF;
    m := m + interval '1 month';
  END LOOP;
  RETURN created;
END;
$$;
--> statement-breakpoint
CREATE TABLE "readings_default" PARTITION OF "readings" DEFAULT;
--> statement-breakpoint
-- Ingest accepts readings up to a year old: cover 13 months back and 3 ahead from today.
SELECT readings_ensure_partitions((now() - interval '13 months')::date, (now() + interval '3 months')::date);
