CREATE TABLE "device_seq_cursors" (
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"ts" timestamp (3) with time zone NOT NULL,
	"prev_seq" bigint,
	"prev_ts" timestamp (3) with time zone,
	CONSTRAINT "device_seq_cursors_pkey" PRIMARY KEY("device_id")
);
--> statement-breakpoint
CREATE TABLE "device_seq_gaps" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "device_seq_gaps_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"from_seq" bigint NOT NULL,
	"to_seq" bigint NOT NULL,
	"after_ts" timestamp (3) with time zone NOT NULL,
	"before_ts" timestamp (3) with time zone NOT NULL,
	"detected_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"filled_at" timestamp (3) with time zone,
	CONSTRAINT "device_seq_gaps_range_check" CHECK ("device_seq_gaps"."from_seq" <= "device_seq_gaps"."to_seq")
);
--> statement-breakpoint
ALTER TABLE "device_seq_cursors" ADD CONSTRAINT "device_seq_cursors_device_fk" FOREIGN KEY ("tenant_id","device_id") REFERENCES "public"."devices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_seq_gaps" ADD CONSTRAINT "device_seq_gaps_device_fk" FOREIGN KEY ("tenant_id","device_id") REFERENCES "public"."devices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "device_seq_gaps_device_id_open_idx" ON "device_seq_gaps" USING btree ("device_id","from_seq") WHERE "device_seq_gaps"."filled_at" is null;--> statement-breakpoint
CREATE INDEX "device_seq_gaps_tenant_id_device_id_idx" ON "device_seq_gaps" USING btree ("tenant_id","device_id","detected_at");