-- issue 20: the status at the end of families_qf_idx, so that the tab counters of a QF or price filter
-- count the matching QF range from the index alone (an index-only scan) instead of reading every matching
-- family. Building it locks writes to families for a while on a large table (docs/deployment.md).
DROP INDEX "families_qf_idx";--> statement-breakpoint
CREATE INDEX "families_qf_idx" ON "families" USING btree ("collectivity_id","qf_value","id","status");