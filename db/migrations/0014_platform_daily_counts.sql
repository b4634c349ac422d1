CREATE TABLE "platform_commune_last_shipments" (
	"collectivity_id" uuid PRIMARY KEY NOT NULL,
	"last_created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform_daily_campaign_calls" (
	"day" date NOT NULL,
	"shard" smallint NOT NULL,
	"status" text NOT NULL,
	"error_code" text NOT NULL,
	"items" integer DEFAULT 0 NOT NULL,
	"called_items" integer DEFAULT 0 NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"rate_limited" bigint DEFAULT 0 NOT NULL,
	"transient_failures" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "platform_daily_campaign_calls_day_shard_status_error_code_pk" PRIMARY KEY("day","shard","status","error_code")
);
--> statement-breakpoint
CREATE TABLE "platform_daily_lookups" (
	"day" date NOT NULL,
	"shard" smallint NOT NULL,
	"outcome" text NOT NULL,
	"called" boolean NOT NULL,
	"lookups" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "platform_daily_lookups_day_shard_outcome_called_pk" PRIMARY KEY("day","shard","outcome","called")
);
--> statement-breakpoint
CREATE TABLE "platform_daily_received_cases" (
	"day" date NOT NULL,
	"shard" smallint NOT NULL,
	"hubee_status" text NOT NULL,
	"cases" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "platform_daily_received_cases_day_shard_hubee_status_pk" PRIMARY KEY("day","shard","hubee_status")
);
--> statement-breakpoint
CREATE TABLE "platform_daily_shipments" (
	"day" date NOT NULL,
	"shard" smallint NOT NULL,
	"status" text NOT NULL,
	"shipments" integer DEFAULT 0 NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "platform_daily_shipments_day_shard_status_pk" PRIMARY KEY("day","shard","status")
);
--> statement-breakpoint
CREATE INDEX "platform_commune_last_shipments_created_idx" ON "platform_commune_last_shipments" USING btree ("last_created_at");--> statement-breakpoint
-- hand-written (ADR 035): the platform dashboard's daily counters, kept by triggers in the
-- transaction of every write to the rows they count, then backfilled. A row that moves (a status
-- change, a campaign item called again another day) leaves its former counter and joins its new
-- one; the two counter rows are always locked in key order, so two writers moving rows in opposite
-- directions (pending → in_progress, in_progress → pending) cannot deadlock. Shards (the last byte
-- of the commune's or campaign's id, modulo 16) keep unrelated writers off the same counter row.
CREATE FUNCTION "platform_day"(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (at AT TIME ZONE 'Europe/Paris')::date;--> statement-breakpoint
CREATE FUNCTION "platform_shard"(id uuid) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN coalesce(get_byte(uuid_send(id), 15) % 16, 0)::smallint;--> statement-breakpoint
CREATE FUNCTION "platform_daily_shipments_add"(d date, s smallint, st text, sign int, att bigint) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "platform_daily_shipments" ("day", "shard", "status", "shipments", "attempts")
    VALUES (d, s, st, sign, sign * att)
    ON CONFLICT ("day", "shard", "status") DO UPDATE
    SET "shipments" = "platform_daily_shipments"."shipments" + excluded."shipments",
        "attempts" = "platform_daily_shipments"."attempts" + excluded."attempts";
$$;--> statement-breakpoint
CREATE FUNCTION "platform_commune_last_shipment_refresh"(commune uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  latest timestamptz := (SELECT max("created_at") FROM "shipments" WHERE "collectivity_id" = commune);
BEGIN
  IF latest IS NULL THEN
    DELETE FROM "platform_commune_last_shipments" WHERE "collectivity_id" = commune;
  ELSE
    INSERT INTO "platform_commune_last_shipments" ("collectivity_id", "last_created_at") VALUES (commune, latest)
      ON CONFLICT ("collectivity_id") DO UPDATE SET "last_created_at" = excluded."last_created_at";
  END IF;
END
$$;--> statement-breakpoint
CREATE FUNCTION "platform_daily_shipments_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (platform_day(OLD."created_at"), platform_shard(OLD."collectivity_id"), OLD."status")
       > (platform_day(NEW."created_at"), platform_shard(NEW."collectivity_id"), NEW."status") THEN
    PERFORM platform_daily_shipments_add(platform_day(NEW."created_at"), platform_shard(NEW."collectivity_id"), NEW."status", 1, NEW."attempts");
    PERFORM platform_daily_shipments_add(platform_day(OLD."created_at"), platform_shard(OLD."collectivity_id"), OLD."status", -1, OLD."attempts");
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM platform_daily_shipments_add(platform_day(OLD."created_at"), platform_shard(OLD."collectivity_id"), OLD."status", -1, OLD."attempts");
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM platform_daily_shipments_add(platform_day(NEW."created_at"), platform_shard(NEW."collectivity_id"), NEW."status", 1, NEW."attempts");
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "platform_commune_last_shipments" ("collectivity_id", "last_created_at")
      VALUES (NEW."collectivity_id", NEW."created_at")
      ON CONFLICT ("collectivity_id") DO UPDATE SET "last_created_at" = excluded."last_created_at"
      WHERE "platform_commune_last_shipments"."last_created_at" < excluded."last_created_at";
  ELSIF OLD."collectivity_id" IS DISTINCT FROM NEW."collectivity_id" OR OLD."created_at" IS DISTINCT FROM NEW."created_at" THEN
    -- A deletion or a moved shipment: the commune's latest one again, one probe of
    -- shipments_collectivity_created_idx (rare: the outbox keeps its rows).
    PERFORM platform_commune_last_shipment_refresh(OLD."collectivity_id");
    IF TG_OP = 'UPDATE' THEN PERFORM platform_commune_last_shipment_refresh(NEW."collectivity_id"); END IF;
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "shipments_platform_counts_insert_delete" AFTER INSERT OR DELETE ON "shipments"
  FOR EACH ROW EXECUTE FUNCTION "platform_daily_shipments_apply"();--> statement-breakpoint
CREATE TRIGGER "shipments_platform_counts_update" AFTER UPDATE OF "status", "attempts", "created_at", "collectivity_id" ON "shipments"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."attempts" IS DISTINCT FROM NEW."attempts"
                     OR OLD."created_at" IS DISTINCT FROM NEW."created_at" OR OLD."collectivity_id" IS DISTINCT FROM NEW."collectivity_id")
  EXECUTE FUNCTION "platform_daily_shipments_apply"();--> statement-breakpoint
CREATE FUNCTION "platform_daily_received_cases_add"(d date, s smallint, st text, sign int) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "platform_daily_received_cases" ("day", "shard", "hubee_status", "cases") VALUES (d, s, st, sign)
    ON CONFLICT ("day", "shard", "hubee_status") DO UPDATE
    SET "cases" = "platform_daily_received_cases"."cases" + excluded."cases";
$$;--> statement-breakpoint
CREATE FUNCTION "platform_daily_received_cases_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (platform_day(OLD."received_at"), platform_shard(OLD."collectivity_id"), OLD."hubee_status")
       > (platform_day(NEW."received_at"), platform_shard(NEW."collectivity_id"), NEW."hubee_status") THEN
    PERFORM platform_daily_received_cases_add(platform_day(NEW."received_at"), platform_shard(NEW."collectivity_id"), NEW."hubee_status", 1);
    PERFORM platform_daily_received_cases_add(platform_day(OLD."received_at"), platform_shard(OLD."collectivity_id"), OLD."hubee_status", -1);
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM platform_daily_received_cases_add(platform_day(OLD."received_at"), platform_shard(OLD."collectivity_id"), OLD."hubee_status", -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM platform_daily_received_cases_add(platform_day(NEW."received_at"), platform_shard(NEW."collectivity_id"), NEW."hubee_status", 1);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "received_cases_platform_counts_insert_delete" AFTER INSERT OR DELETE ON "received_cases"
  FOR EACH ROW EXECUTE FUNCTION "platform_daily_received_cases_apply"();--> statement-breakpoint
CREATE TRIGGER "received_cases_platform_counts_update" AFTER UPDATE OF "hubee_status", "received_at", "collectivity_id" ON "received_cases"
  FOR EACH ROW WHEN (OLD."hubee_status" IS DISTINCT FROM NEW."hubee_status" OR OLD."received_at" IS DISTINCT FROM NEW."received_at"
                     OR OLD."collectivity_id" IS DISTINCT FROM NEW."collectivity_id")
  EXECUTE FUNCTION "platform_daily_received_cases_apply"();--> statement-breakpoint
CREATE FUNCTION "platform_daily_campaign_calls_add"(d date, s smallint, st text, code text, sign int,
                                                     att bigint, rl bigint, tr bigint) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "platform_daily_campaign_calls"
      ("day", "shard", "status", "error_code", "items", "called_items", "attempts", "rate_limited", "transient_failures")
    VALUES (d, s, st, coalesce(code, ''), sign, CASE WHEN att > 0 THEN sign ELSE 0 END, sign * att, sign * rl, sign * tr)
    ON CONFLICT ("day", "shard", "status", "error_code") DO UPDATE
    SET "items" = "platform_daily_campaign_calls"."items" + excluded."items",
        "called_items" = "platform_daily_campaign_calls"."called_items" + excluded."called_items",
        "attempts" = "platform_daily_campaign_calls"."attempts" + excluded."attempts",
        "rate_limited" = "platform_daily_campaign_calls"."rate_limited" + excluded."rate_limited",
        "transient_failures" = "platform_daily_campaign_calls"."transient_failures" + excluded."transient_failures";
$$;--> statement-breakpoint
-- Items never called (last_call_at null) are not counted: the dashboard reads calls.
CREATE FUNCTION "platform_daily_campaign_calls_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  counted_old boolean := false;
  counted_new boolean := false;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN counted_old := OLD."last_call_at" IS NOT NULL; END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN counted_new := NEW."last_call_at" IS NOT NULL; END IF;
  IF counted_old AND counted_new
     AND (platform_day(OLD."last_call_at"), platform_shard(OLD."campaign_id"), OLD."status", coalesce(OLD."error_code", ''))
       > (platform_day(NEW."last_call_at"), platform_shard(NEW."campaign_id"), NEW."status", coalesce(NEW."error_code", '')) THEN
    PERFORM platform_daily_campaign_calls_add(platform_day(NEW."last_call_at"), platform_shard(NEW."campaign_id"), NEW."status",
      NEW."error_code", 1, NEW."attempts", NEW."rate_limited_count", NEW."transient_failures");
    PERFORM platform_daily_campaign_calls_add(platform_day(OLD."last_call_at"), platform_shard(OLD."campaign_id"), OLD."status",
      OLD."error_code", -1, OLD."attempts", OLD."rate_limited_count", OLD."transient_failures");
    RETURN NULL;
  END IF;
  IF counted_old THEN
    PERFORM platform_daily_campaign_calls_add(platform_day(OLD."last_call_at"), platform_shard(OLD."campaign_id"), OLD."status",
      OLD."error_code", -1, OLD."attempts", OLD."rate_limited_count", OLD."transient_failures");
  END IF;
  IF counted_new THEN
    PERFORM platform_daily_campaign_calls_add(platform_day(NEW."last_call_at"), platform_shard(NEW."campaign_id"), NEW."status",
      NEW."error_code", 1, NEW."attempts", NEW."rate_limited_count", NEW."transient_failures");
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
-- A campaign's creation inserts every item uncalled (millions for a national yearly run): the
-- conditions keep those inserts, and the deletion of items never called, from calling the function.
CREATE TRIGGER "qf_campaign_items_platform_counts_insert" AFTER INSERT ON "qf_campaign_items"
  FOR EACH ROW WHEN (NEW."last_call_at" IS NOT NULL) EXECUTE FUNCTION "platform_daily_campaign_calls_apply"();--> statement-breakpoint
CREATE TRIGGER "qf_campaign_items_platform_counts_delete" AFTER DELETE ON "qf_campaign_items"
  FOR EACH ROW WHEN (OLD."last_call_at" IS NOT NULL) EXECUTE FUNCTION "platform_daily_campaign_calls_apply"();--> statement-breakpoint
-- The claim's lease updates (leased_by, lease_until, next_attempt_at) change no counter: not fired.
CREATE TRIGGER "qf_campaign_items_platform_counts_update"
  AFTER UPDATE OF "status", "attempts", "transient_failures", "rate_limited_count", "error_code", "last_call_at", "campaign_id"
  ON "qf_campaign_items"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."attempts" IS DISTINCT FROM NEW."attempts"
                     OR OLD."transient_failures" IS DISTINCT FROM NEW."transient_failures"
                     OR OLD."rate_limited_count" IS DISTINCT FROM NEW."rate_limited_count"
                     OR OLD."error_code" IS DISTINCT FROM NEW."error_code"
                     OR OLD."last_call_at" IS DISTINCT FROM NEW."last_call_at"
                     OR OLD."campaign_id" IS DISTINCT FROM NEW."campaign_id")
  EXECUTE FUNCTION "platform_daily_campaign_calls_apply"();--> statement-breakpoint
-- A manual lookup's outcome, and whether it reached API Particulier (entries written before
-- "called" existed: an outcome with an answer), as the dashboard has always read them.
CREATE FUNCTION "platform_lookup_called"(details jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN coalesce((details->>'called')::boolean,
                  coalesce(details->>'outcome' in ('ok', 'not_found', 'invalid_request', 'provider_unavailable',
                                                   'unauthorized', 'invalid_response'), false));--> statement-breakpoint
CREATE FUNCTION "platform_daily_lookups_add"(at timestamptz, commune uuid, details jsonb, sign int) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "platform_daily_lookups" ("day", "shard", "outcome", "called", "lookups")
    VALUES (platform_day(at), platform_shard(commune), coalesce(details->>'outcome', ''), platform_lookup_called(details), sign)
    ON CONFLICT ("day", "shard", "outcome", "called") DO UPDATE
    SET "lookups" = "platform_daily_lookups"."lookups" + excluded."lookups";
$$;--> statement-breakpoint
CREATE FUNCTION "platform_daily_lookups_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- An edited entry (only ever by hand: the trail is append-only) is counted as it now reads.
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."action" = 'qf_lookup.performed' THEN
    PERFORM platform_daily_lookups_add(OLD."occurred_at", OLD."collectivity_id", OLD."details", -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW."action" = 'qf_lookup.performed' THEN
    PERFORM platform_daily_lookups_add(NEW."occurred_at", NEW."collectivity_id", NEW."details", 1);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
-- Only the journal's lookups are counted (the conditions spare every other entry the call).
CREATE TRIGGER "audit_events_platform_lookups_insert" AFTER INSERT ON "audit_events"
  FOR EACH ROW WHEN (NEW."action" = 'qf_lookup.performed') EXECUTE FUNCTION "platform_daily_lookups_apply"();--> statement-breakpoint
CREATE TRIGGER "audit_events_platform_lookups_delete" AFTER DELETE ON "audit_events"
  FOR EACH ROW WHEN (OLD."action" = 'qf_lookup.performed') EXECUTE FUNCTION "platform_daily_lookups_apply"();--> statement-breakpoint
CREATE TRIGGER "audit_events_platform_lookups_update" AFTER UPDATE ON "audit_events"
  FOR EACH ROW WHEN (OLD."action" = 'qf_lookup.performed' OR NEW."action" = 'qf_lookup.performed')
  EXECUTE FUNCTION "platform_daily_lookups_apply"();--> statement-breakpoint
INSERT INTO "platform_daily_shipments" ("day", "shard", "status", "shipments", "attempts")
  SELECT platform_day("created_at"), platform_shard("collectivity_id"), "status", count(*)::int, sum("attempts")
  FROM "shipments" GROUP BY 1, 2, 3;--> statement-breakpoint
INSERT INTO "platform_commune_last_shipments" ("collectivity_id", "last_created_at")
  SELECT "collectivity_id", max("created_at") FROM "shipments" GROUP BY 1;--> statement-breakpoint
INSERT INTO "platform_daily_received_cases" ("day", "shard", "hubee_status", "cases")
  SELECT platform_day("received_at"), platform_shard("collectivity_id"), "hubee_status", count(*)::int
  FROM "received_cases" GROUP BY 1, 2, 3;--> statement-breakpoint
INSERT INTO "platform_daily_campaign_calls"
    ("day", "shard", "status", "error_code", "items", "called_items", "attempts", "rate_limited", "transient_failures")
  SELECT platform_day("last_call_at"), platform_shard("campaign_id"), "status", coalesce("error_code", ''), count(*)::int,
         (count(*) filter (where "attempts" > 0))::int, sum("attempts"), sum("rate_limited_count"), sum("transient_failures")
  FROM "qf_campaign_items" WHERE "last_call_at" IS NOT NULL GROUP BY 1, 2, 3, 4;--> statement-breakpoint
INSERT INTO "platform_daily_lookups" ("day", "shard", "outcome", "called", "lookups")
  SELECT platform_day("occurred_at"), platform_shard("collectivity_id"), coalesce("details"->>'outcome', ''),
         platform_lookup_called("details"), count(*)::int
  FROM "audit_events" WHERE "action" = 'qf_lookup.performed' GROUP BY 1, 2, 3, 4;
