-- hand-written: the tab counters' trigger (0011) locked a moving file's former counter row, then its
-- new one. Two files of a commune moved in opposite directions at the same moment (an agent marks
-- one treated while another reopens one) could each hold one row and wait for the other: a deadlock,
-- which PostgreSQL ends by failing one agent's action. Like the platform counters (0014, ADR 035),
-- the two rows are now locked in key order, so such moves wait for each other instead.
CREATE OR REPLACE FUNCTION "family_status_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD."collectivity_id", OLD."status") > (NEW."collectivity_id", NEW."status") THEN
    INSERT INTO "family_status_counts" ("collectivity_id", "status", "count")
      VALUES (NEW."collectivity_id", NEW."status", 1)
      ON CONFLICT ("collectivity_id", "status") DO UPDATE SET "count" = "family_status_counts"."count" + 1;
    UPDATE "family_status_counts" SET "count" = "count" - 1
      WHERE "collectivity_id" = OLD."collectivity_id" AND "status" = OLD."status";
    RETURN NULL;
  END IF;
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
