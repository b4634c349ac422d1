CREATE TABLE "audit_chain_heads" (
	"chain" varchar(36) PRIMARY KEY NOT NULL,
	"last_id" bigint,
	"last_digest" varchar(64) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "qf_campaigns" ADD COLUMN "due_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "qf_campaigns" ADD COLUMN "last_served_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "audit_events_lookups_idx" ON "audit_events" USING btree ("occurred_at") WHERE "audit_events"."action" = 'qf_lookup.performed';--> statement-breakpoint
CREATE INDEX "qf_campaign_items_due_idx" ON "qf_campaign_items" USING btree ("campaign_id","next_attempt_at") WHERE "qf_campaign_items"."status" in ('pending', 'in_progress');--> statement-breakpoint
CREATE INDEX "qf_campaign_items_last_call_idx" ON "qf_campaign_items" USING btree ("last_call_at") WHERE "qf_campaign_items"."last_call_at" is not null;--> statement-breakpoint
CREATE INDEX "qf_campaigns_round_robin_idx" ON "qf_campaigns" USING btree ("last_served_at" NULLS FIRST) WHERE "qf_campaigns"."status" = 'running';--> statement-breakpoint
CREATE INDEX "qf_campaigns_due_idx" ON "qf_campaigns" USING btree ("due_at") WHERE "qf_campaigns"."status" = 'running';--> statement-breakpoint
CREATE INDEX "received_cases_received_idx" ON "received_cases" USING btree ("received_at","hubee_status");--> statement-breakpoint
CREATE INDEX "shipments_created_idx" ON "shipments" USING btree ("created_at","collectivity_id");--> statement-breakpoint
CREATE INDEX "shipments_problems_idx" ON "shipments" USING btree ("collectivity_id") WHERE "shipments"."status" = 'failed' or ("shipments"."status" = 'pending' and "shipments"."last_error" is not null);