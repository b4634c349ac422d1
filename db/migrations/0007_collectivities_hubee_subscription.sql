ALTER TABLE "collectivities" ADD COLUMN "hubee_subscription" text;--> statement-breakpoint
ALTER TABLE "collectivities" ADD COLUMN "hubee_subscription_checked_at" timestamp with time zone;