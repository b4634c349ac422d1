ALTER TABLE "api_particulier_rate_limits" ADD COLUMN "send_seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "api_particulier_rate_limits" ADD COLUMN "sends" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "api_particulier_rate_limits" ADD COLUMN "rate_limited_total" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "api_particulier_rate_limits" ADD COLUMN "last_rate_limited_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_particulier_rate_limits" DROP COLUMN "recent_sends";