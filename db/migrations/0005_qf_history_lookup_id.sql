ALTER TABLE "qf_history" ADD COLUMN "lookup_id" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "qf_history_lookup_idx" ON "qf_history" USING btree ("lookup_id");