CREATE INDEX "audit_events_collectivity_time_idx" ON "audit_events" USING btree ("collectivity_id","occurred_at");--> statement-breakpoint
CREATE INDEX "family_status_changes_case_idx" ON "family_status_changes" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE INDEX "received_cases_collectivity_received_idx" ON "received_cases" USING btree ("collectivity_id","received_at");