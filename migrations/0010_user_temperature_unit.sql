ALTER TABLE "users" ADD COLUMN "temperature_unit" text;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_temperature_unit_check" CHECK ("users"."temperature_unit" in ('C','F'));