-- issue 20: the inbox filters (children, QF, status, received date, provider) in one index, so that the tab
-- counters of any combination of them are an index-only scan of at most the commune's entries (ADR 040). It
-- replaces families_children_idx, its first two columns. Building it locks writes to families for a while on a
-- large table (docs/deployment.md).
DROP INDEX "families_children_idx";--> statement-breakpoint
CREATE INDEX "families_filters_idx" ON "families" USING btree ("collectivity_id","children_count","qf_value","status","received_at","qf_provider");