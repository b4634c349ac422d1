CREATE TABLE "audit_chain_heads" (
	"chain" varchar(36) PRIMARY KEY NOT NULL,
	"last_id" bigint,
	"last_digest" varchar(64) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "family_status_counts" (
	"collectivity_id" uuid NOT NULL,
	"status" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "family_status_counts_collectivity_id_status_pk" PRIMARY KEY("collectivity_id","status")
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
--> statement-breakpoint
-- hand-written: the agents' list's tab counters (family_status_counts), kept by a trigger in the
-- transaction of every insert, status change and deletion of a family file, then backfilled.
CREATE FUNCTION "family_status_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "family_status_counts" SET "count" = "count" - 1
      WHERE "collectivity_id" = OLD."collectivity_id" AND "status" = OLD."status";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "family_status_counts" ("collectivity_id", "status", "count")
      VALUES (NEW."collectivity_id", NEW."status", 1)
      ON CONFLICT ("collectivity_id", "status") DO UPDATE SET "count" = "family_status_counts"."count" + 1;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "families_status_counts_insert_delete" AFTER INSERT OR DELETE ON "families"
  FOR EACH ROW EXECUTE FUNCTION "family_status_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "families_status_counts_update" AFTER UPDATE OF "status", "collectivity_id" ON "families"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."collectivity_id" IS DISTINCT FROM NEW."collectivity_id")
  EXECUTE FUNCTION "family_status_counts_apply"();
--> statement-breakpoint
INSERT INTO "family_status_counts" ("collectivity_id", "status", "count")
  SELECT "collectivity_id", "status", count(*)::int FROM "families" GROUP BY 1, 2;
