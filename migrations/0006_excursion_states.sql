CREATE TABLE "excursion_states" (
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"rule_version" integer NOT NULL,
	"last_ts" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "excursion_states_pkey" PRIMARY KEY("device_id","rule_id")
);
--> statement-breakpoint
ALTER TABLE "excursion_states" ADD CONSTRAINT "excursion_states_device_fk" FOREIGN KEY ("tenant_id","device_id") REFERENCES "public"."devices"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursion_states" ADD CONSTRAINT "excursion_states_rule_fk" FOREIGN KEY ("tenant_id","rule_id") REFERENCES "public"."alert_rules"("tenant_id","id") ON DELETE cascade ON UPDATE no action;