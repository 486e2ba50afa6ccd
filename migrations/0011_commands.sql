CREATE TABLE "commands" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"idempotency_key" text,
	"ttl_seconds" integer NOT NULL,
	"created_by" jsonb NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"sent_at" timestamp (3) with time zone,
	"last_sent_at" timestamp (3) with time zone,
	"delivery_count" integer DEFAULT 0 NOT NULL,
	"acknowledged_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone,
	"response" jsonb,
	"error" text,
	"progress" integer,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commands_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "commands_status_check" CHECK ("commands"."status" in ('pending','sent','acknowledged','completed','failed','expired')),
	CONSTRAINT "commands_ttl_check" CHECK ("commands"."ttl_seconds" between 1 and 604800),
	CONSTRAINT "commands_progress_check" CHECK ("commands"."progress" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "commands" ADD CONSTRAINT "commands_device_fk" FOREIGN KEY ("tenant_id","device_id") REFERENCES "public"."devices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "commands_tenant_id_device_id_created_at_idx" ON "commands" USING btree ("tenant_id","device_id","created_at");--> statement-breakpoint
CREATE INDEX "commands_device_id_created_at_unacknowledged_idx" ON "commands" USING btree ("device_id","created_at") WHERE "commands"."status" in ('pending','sent');--> statement-breakpoint
CREATE INDEX "commands_expires_at_unacknowledged_idx" ON "commands" USING btree ("expires_at") WHERE "commands"."status" in ('pending','sent');--> statement-breakpoint
CREATE UNIQUE INDEX "commands_tenant_id_device_id_idempotency_key_idx" ON "commands" USING btree ("tenant_id","device_id","idempotency_key") WHERE "commands"."idempotency_key" is not null;