CREATE TABLE "alert_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"scope_kind" text NOT NULL,
	"facility_id" text,
	"device_id" text,
	"metric" text NOT NULL,
	"condition" jsonb NOT NULL,
	"duration_seconds" integer NOT NULL,
	"deadband" double precision DEFAULT 0 NOT NULL,
	"severity" text NOT NULL,
	"schedule" jsonb,
	"enabled" boolean DEFAULT true NOT NULL,
	"preset_id" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" text,
	"archived_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_rules_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "alert_rules_scope_check" CHECK (("alert_rules"."scope_kind" = 'tenant' and "alert_rules"."facility_id" is null and "alert_rules"."device_id" is null)
       or ("alert_rules"."scope_kind" = 'facility' and "alert_rules"."facility_id" is not null and "alert_rules"."device_id" is null)
       or ("alert_rules"."scope_kind" = 'device' and "alert_rules"."device_id" is not null and "alert_rules"."facility_id" is null)),
	CONSTRAINT "alert_rules_severity_check" CHECK ("alert_rules"."severity" in ('info','warning','critical')),
	CONSTRAINT "alert_rules_duration_check" CHECK ("alert_rules"."duration_seconds" between 0 and 604800),
	CONSTRAINT "alert_rules_deadband_check" CHECK ("alert_rules"."deadband" >= 0)
);
--> statement-breakpoint
CREATE TABLE "alert_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alert_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"alert_id" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"type" text NOT NULL,
	"actor" jsonb,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"facility_id" text,
	"kind" text NOT NULL,
	"rule_id" text,
	"excursion_id" text,
	"metric" text,
	"severity" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"title" text NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"alert_at" timestamp (3) with time zone NOT NULL,
	"raised_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"retrospective" boolean DEFAULT false NOT NULL,
	"data_gap" boolean DEFAULT false NOT NULL,
	"peak" double precision,
	"acknowledged_at" timestamp (3) with time zone,
	"acknowledged_by" jsonb,
	"ack_reason_code" text,
	"ack_comment" text,
	"resolved_at" timestamp (3) with time zone,
	"resolved_by" jsonb,
	"resolution" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alerts_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "alerts_kind_check" CHECK ("alerts"."kind" in ('excursion','offline')),
	CONSTRAINT "alerts_severity_check" CHECK ("alerts"."severity" in ('info','warning','critical')),
	CONSTRAINT "alerts_status_check" CHECK ("alerts"."status" in ('active','acknowledged','resolved'))
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"alert_id" text NOT NULL,
	"tier" integer NOT NULL,
	"repeat" integer DEFAULT 0 NOT NULL,
	"channel" text NOT NULL,
	"recipient" text NOT NULL,
	"user_id" text,
	"webhook_endpoint_id" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"provider_id" text,
	"dedup_key" text NOT NULL,
	"sent_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deliveries_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "deliveries_channel_check" CHECK ("deliveries"."channel" in ('email','sms','webhook','in_app')),
	CONSTRAINT "deliveries_status_check" CHECK ("deliveries"."status" in ('pending','sent','failed','dead'))
);
--> statement-breakpoint
CREATE TABLE "excursions" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"rule_version" integer NOT NULL,
	"metric" text NOT NULL,
	"start_ts" timestamp (3) with time zone NOT NULL,
	"end_ts" timestamp (3) with time zone,
	"last_ts" timestamp (3) with time zone NOT NULL,
	"last_violating_ts" timestamp (3) with time zone NOT NULL,
	"peak" double precision NOT NULL,
	"alert_at" timestamp (3) with time zone,
	"data_gap" boolean DEFAULT false NOT NULL,
	"alert_id" text,
	"check_message_id" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "excursions_tenant_id_id_key" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "in_app_notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"alert_id" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"read_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"facility_id" text,
	"severities" text[] NOT NULL,
	"tiers" jsonb NOT NULL,
	"repeat_every_minutes" integer,
	"max_repeats" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_policies_tenant_id_id_key" UNIQUE("tenant_id","id"),
	CONSTRAINT "notification_policies_max_repeats_check" CHECK ("notification_policies"."max_repeats" between 0 and 20)
);
--> statement-breakpoint
CREATE TABLE "notification_preferences" (
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"channels" text[] NOT NULL,
	"phone" text,
	"quiet_start" text,
	"quiet_end" text,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_preferences_pkey" PRIMARY KEY("tenant_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"secret_ciphertext" text NOT NULL,
	"key_version" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_endpoints_tenant_id_id_key" UNIQUE("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_facility_fk" FOREIGN KEY ("tenant_id","facility_id") REFERENCES "public"."facilities"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_device_fk" FOREIGN KEY ("tenant_id","device_id") REFERENCES "public"."devices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_events" ADD CONSTRAINT "alert_events_alert_fk" FOREIGN KEY ("tenant_id","alert_id") REFERENCES "public"."alerts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_device_fk" FOREIGN KEY ("tenant_id","device_id") REFERENCES "public"."devices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_facility_fk" FOREIGN KEY ("tenant_id","facility_id") REFERENCES "public"."facilities"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_alert_fk" FOREIGN KEY ("tenant_id","alert_id") REFERENCES "public"."alerts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursions" ADD CONSTRAINT "excursions_device_fk" FOREIGN KEY ("tenant_id","device_id") REFERENCES "public"."devices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursions" ADD CONSTRAINT "excursions_rule_fk" FOREIGN KEY ("tenant_id","rule_id") REFERENCES "public"."alert_rules"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursions" ADD CONSTRAINT "excursions_alert_fk" FOREIGN KEY ("tenant_id","alert_id") REFERENCES "public"."alerts"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "in_app_notifications" ADD CONSTRAINT "in_app_notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "in_app_notifications" ADD CONSTRAINT "in_app_notifications_alert_fk" FOREIGN KEY ("tenant_id","alert_id") REFERENCES "public"."alerts"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_policies" ADD CONSTRAINT "notification_policies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_policies" ADD CONSTRAINT "notification_policies_facility_fk" FOREIGN KEY ("tenant_id","facility_id") REFERENCES "public"."facilities"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_rules_tenant_id_metric_idx" ON "alert_rules" USING btree ("tenant_id","metric");--> statement-breakpoint
CREATE INDEX "alert_events_alert_id_at_idx" ON "alert_events" USING btree ("alert_id","at");--> statement-breakpoint
CREATE INDEX "alerts_tenant_id_status_raised_at_idx" ON "alerts" USING btree ("tenant_id","status","raised_at");--> statement-breakpoint
CREATE INDEX "alerts_device_id_raised_at_idx" ON "alerts" USING btree ("device_id","raised_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_excursion_id_idx" ON "alerts" USING btree ("excursion_id") WHERE "alerts"."excursion_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_device_id_open_offline_idx" ON "alerts" USING btree ("device_id") WHERE "alerts"."kind" = 'offline' and "alerts"."status" <> 'resolved';--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_dedup_key_idx" ON "deliveries" USING btree ("dedup_key");--> statement-breakpoint
CREATE INDEX "deliveries_tenant_id_alert_id_idx" ON "deliveries" USING btree ("tenant_id","alert_id");--> statement-breakpoint
CREATE INDEX "deliveries_tenant_id_status_idx" ON "deliveries" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "excursions_device_id_rule_id_start_ts_idx" ON "excursions" USING btree ("device_id","rule_id","start_ts");--> statement-breakpoint
CREATE INDEX "excursions_device_id_open_idx" ON "excursions" USING btree ("device_id") WHERE "excursions"."end_ts" is null;--> statement-breakpoint
CREATE INDEX "excursions_tenant_id_start_ts_idx" ON "excursions" USING btree ("tenant_id","start_ts");--> statement-breakpoint
CREATE INDEX "in_app_notifications_user_id_unread_idx" ON "in_app_notifications" USING btree ("tenant_id","user_id") WHERE "in_app_notifications"."read_at" is null;--> statement-breakpoint
CREATE INDEX "notification_policies_tenant_id_idx" ON "notification_policies" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_tenant_id_idx" ON "webhook_endpoints" USING btree ("tenant_id");