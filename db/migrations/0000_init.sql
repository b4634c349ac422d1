CREATE TABLE "agent_sessions" (
	"id_hash" varchar(64) PRIMARY KEY NOT NULL,
	"agent_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"id_token_encrypted" text
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"given_name" text NOT NULL,
	"usual_name" text NOT NULL,
	"proconnect_sub" text,
	"proconnect_idp_id" text,
	"last_siret_claim" varchar(14),
	"last_organization_label" text,
	"platform_admin" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_login_at" timestamp with time zone,
	CONSTRAINT "agents_email_unique" UNIQUE("email"),
	CONSTRAINT "agents_email_lowercase" CHECK ("agents"."email" = lower("agents"."email"))
);
--> statement-breakpoint
CREATE TABLE "audit_chain_head" (
	"id" smallint PRIMARY KEY NOT NULL,
	"last_id" bigint,
	"last_digest" varchar(64) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_chain_head_single_row" CHECK ("audit_chain_head"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"actor_agent_id" uuid,
	"collectivity_id" uuid,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"request_id" text,
	"details" jsonb NOT NULL,
	"prev_digest" varchar(64) NOT NULL,
	"digest" varchar(64) NOT NULL,
	CONSTRAINT "audit_events_digest_unique" UNIQUE("digest")
);
--> statement-breakpoint
CREATE TABLE "api_particulier_rate_limits" (
	"token_hash" varchar(64) PRIMARY KEY NOT NULL,
	"next_slot_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recent_sends" timestamp with time zone[] DEFAULT '{}'::timestamptz[] NOT NULL,
	"paused_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "qf_campaign_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"campaign_id" uuid,
	"kind" text NOT NULL,
	"http_status" smallint,
	"error_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid
);
--> statement-breakpoint
CREATE TABLE "qf_campaign_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"family_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"transient_failures" integer DEFAULT 0 NOT NULL,
	"rate_limited_count" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"leased_by" text,
	"old_value" integer,
	"new_value" integer,
	"provider" text,
	"error_code" text,
	"last_call_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "qf_campaign_schedules" (
	"collectivity_id" uuid PRIMARY KEY NOT NULL,
	"day" smallint NOT NULL,
	"month" smallint NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "qf_campaign_schedules_month_range" CHECK ("qf_campaign_schedules"."month" between 1 and 12),
	CONSTRAINT "qf_campaign_schedules_day_range" CHECK ("qf_campaign_schedules"."day" between 1 and 28)
);
--> statement-breakpoint
CREATE TABLE "qf_campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"annee" integer NOT NULL,
	"mois" integer NOT NULL,
	"scope" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"trigger" text NOT NULL,
	"started_by" uuid,
	"retry_of" uuid,
	"total_count" integer DEFAULT 0 NOT NULL,
	"counts" jsonb,
	"stop_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "qf_campaigns_mois_range" CHECK ("qf_campaigns"."mois" between 1 and 12)
);
--> statement-breakpoint
CREATE TABLE "collectivities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"siret" varchar(14) NOT NULL,
	"code_cog" varchar(5) NOT NULL,
	"departement" varchar(3) NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"editor" text,
	"redirect_origins" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "collectivities_siret_unique" UNIQUE("siret"),
	CONSTRAINT "collectivities_siret_format" CHECK ("collectivities"."siret" ~ '^[0-9]{14}$'),
	CONSTRAINT "collectivities_code_cog_format" CHECK ("collectivities"."code_cog" ~ '^[0-9][0-9AB][0-9]{3}$')
);
--> statement-breakpoint
CREATE TABLE "collectivity_settings" (
	"collectivity_id" uuid PRIMARY KEY NOT NULL,
	"hubee_si_client_id" text,
	"hubee_si_secret_encrypted" text,
	"hubee_si_updated_at" timestamp with time zone,
	"api_particulier_token_encrypted" text,
	"api_particulier_token_updated_at" timestamp with time zone,
	"contact_email" text,
	"contact_phone" text,
	"website" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "data_retention_settings" (
	"collectivity_id" uuid PRIMARY KEY NOT NULL,
	"family_file_retention_years" smallint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "data_retention_settings_years_range" CHECK ("data_retention_settings"."family_file_retention_years" between 1 and 6)
);
--> statement-breakpoint
CREATE TABLE "export_chunks" (
	"export_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "export_chunks_export_id_seq_pk" PRIMARY KEY("export_id","seq")
);
--> statement-breakpoint
CREATE TABLE "exports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"requested_by" uuid,
	"format" text NOT NULL,
	"query" jsonb NOT NULL,
	"query_key" text NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"data_version" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"processed_rows" integer DEFAULT 0 NOT NULL,
	"byte_size" integer,
	"file_name" text NOT NULL,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "family_annotations" (
	"family_id" uuid PRIMARY KEY NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"body" text NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "family_status_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"family_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"from_status" text NOT NULL,
	"to_status" text NOT NULL,
	"hubee_event_id" text,
	"message" text NOT NULL,
	"agent_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"hubee_attachment_id" text NOT NULL,
	"file_name" text NOT NULL,
	"mime_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"hubee_digest" text,
	"digest_verified" boolean NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "families" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"identity_key" varchar(64),
	"family_name" text,
	"given_names" text,
	"gender" text,
	"birthdate" text,
	"birthplace" varchar(5),
	"birthcountry" varchar(5),
	"birthplace_name" text,
	"birth_departement" varchar(3),
	"qf_value" integer,
	"qf_annee" integer,
	"qf_mois" integer,
	"qf_provider" text,
	"qf_updated_at" timestamp with time zone,
	"members" jsonb DEFAULT '{"allocataires":[],"enfants":[]}'::jsonb NOT NULL,
	"address" jsonb,
	"external_id" text,
	"search_text" text DEFAULT '' NOT NULL,
	"children_count" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"ingestion_error" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "families_qf_mois_range" CHECK ("families"."qf_mois" is null or "families"."qf_mois" between 1 and 12),
	CONSTRAINT "families_children_count_positive" CHECK ("families"."children_count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "qf_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"family_id" uuid NOT NULL,
	"value" integer NOT NULL,
	"annee" integer NOT NULL,
	"mois" integer NOT NULL,
	"provider" text NOT NULL,
	"source" text NOT NULL,
	"case_id" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "qf_history_mois_range" CHECK ("qf_history"."mois" between 1 and 12)
);
--> statement-breakpoint
CREATE TABLE "received_cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"family_id" uuid NOT NULL,
	"hubee_case_id" text NOT NULL,
	"hubee_external_id" text NOT NULL,
	"reference" varchar(13),
	"external_id" text,
	"applicant_first_name" text,
	"applicant_last_name" text,
	"payload_version" text,
	"ingestion_error" text,
	"hubee_status" text NOT NULL,
	"status_reported_at" timestamp with time zone,
	"transmitted_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "received_cases_hubee_case_id_unique" UNIQUE("hubee_case_id")
);
--> statement-breakpoint
CREATE TABLE "hubee_inbox_polls" (
	"collectivity_id" uuid PRIMARY KEY NOT NULL,
	"locked_until" timestamp with time zone,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"last_counts" jsonb,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"invited_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" uuid,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "join_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agent_id" uuid NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" uuid
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agent_id" uuid NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_agent_collectivity_unique" UNIQUE("agent_id","collectivity_id")
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"url" text NOT NULL,
	"description" text,
	"events" jsonb NOT NULL,
	"secret_encrypted" text NOT NULL,
	"previous_secret_encrypted" text,
	"previous_secret_expires_at" timestamp with time zone,
	"secret_rotated_at" timestamp with time zone,
	"status" text DEFAULT 'active' NOT NULL,
	"disabled_reason" text,
	"disabled_at" timestamp with time zone,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"failing_since" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_event_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"last_response_status" integer,
	"last_error" text,
	"duration_ms" integer,
	"replay_of" uuid,
	"delivered_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_event_deliveries_attempts_positive" CHECK ("webhook_event_deliveries"."attempts" >= 0)
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"type" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scheduled_runs" (
	"key" text PRIMARY KEY NOT NULL,
	"instance_id" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "shipments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" varchar(13) NOT NULL,
	"idempotency_key" text NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"payload_encrypted" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"hubee_folder_id" text,
	"hubee_case_id" text,
	"hubee_case_status" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"final_status_at" timestamp with time zone,
	"payload_purged_at" timestamp with time zone,
	"hubee_ids_purged_at" timestamp with time zone,
	CONSTRAINT "shipments_reference_unique" UNIQUE("reference"),
	CONSTRAINT "shipments_idempotency_key_unique" UNIQUE("idempotency_key"),
	CONSTRAINT "shipments_reference_format" CHECK ("shipments"."reference" ~ '^[0-9A-F]{13}$')
);
--> statement-breakpoint
CREATE TABLE "tariff_brackets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"label" text NOT NULL,
	"min_value" integer NOT NULL,
	"max_value" integer,
	CONSTRAINT "tariff_brackets_bounds" CHECK ("tariff_brackets"."min_value" >= 0 and ("tariff_brackets"."max_value" is null or "tariff_brackets"."max_value" >= "tariff_brackets"."min_value"))
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source" text NOT NULL,
	"signature" varchar(64) NOT NULL,
	"event" text NOT NULL,
	"model_type" text NOT NULL,
	"model_id" text NOT NULL,
	"fired_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"outcome" text DEFAULT 'received' NOT NULL,
	"collectivity_id" uuid,
	CONSTRAINT "webhook_deliveries_signature_unique" UNIQUE("signature"),
	CONSTRAINT "webhook_deliveries_signature_format" CHECK ("webhook_deliveries"."signature" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "agent_sessions" ADD CONSTRAINT "agent_sessions_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qf_campaign_alerts" ADD CONSTRAINT "qf_campaign_alerts_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qf_campaign_alerts" ADD CONSTRAINT "qf_campaign_alerts_campaign_id_qf_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."qf_campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qf_campaign_alerts" ADD CONSTRAINT "qf_campaign_alerts_acknowledged_by_agents_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qf_campaign_items" ADD CONSTRAINT "qf_campaign_items_campaign_id_qf_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."qf_campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qf_campaign_items" ADD CONSTRAINT "qf_campaign_items_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qf_campaign_schedules" ADD CONSTRAINT "qf_campaign_schedules_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qf_campaigns" ADD CONSTRAINT "qf_campaigns_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qf_campaigns" ADD CONSTRAINT "qf_campaigns_started_by_agents_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qf_campaigns" ADD CONSTRAINT "qf_campaigns_retry_of_qf_campaigns_id_fk" FOREIGN KEY ("retry_of") REFERENCES "public"."qf_campaigns"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collectivity_settings" ADD CONSTRAINT "collectivity_settings_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collectivity_settings" ADD CONSTRAINT "collectivity_settings_updated_by_agents_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_retention_settings" ADD CONSTRAINT "data_retention_settings_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_retention_settings" ADD CONSTRAINT "data_retention_settings_updated_by_agents_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "export_chunks" ADD CONSTRAINT "export_chunks_export_id_exports_id_fk" FOREIGN KEY ("export_id") REFERENCES "public"."exports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exports" ADD CONSTRAINT "exports_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exports" ADD CONSTRAINT "exports_requested_by_agents_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_annotations" ADD CONSTRAINT "family_annotations_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_annotations" ADD CONSTRAINT "family_annotations_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_annotations" ADD CONSTRAINT "family_annotations_updated_by_agents_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_status_changes" ADD CONSTRAINT "family_status_changes_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_status_changes" ADD CONSTRAINT "family_status_changes_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_status_changes" ADD CONSTRAINT "family_status_changes_case_id_received_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."received_cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "family_status_changes" ADD CONSTRAINT "family_status_changes_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_attachments" ADD CONSTRAINT "case_attachments_case_id_received_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."received_cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "families" ADD CONSTRAINT "families_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qf_history" ADD CONSTRAINT "qf_history_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qf_history" ADD CONSTRAINT "qf_history_case_id_received_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."received_cases"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "received_cases" ADD CONSTRAINT "received_cases_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "received_cases" ADD CONSTRAINT "received_cases_family_id_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hubee_inbox_polls" ADD CONSTRAINT "hubee_inbox_polls_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_agents_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_accepted_by_agents_id_fk" FOREIGN KEY ("accepted_by") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "join_requests" ADD CONSTRAINT "join_requests_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "join_requests" ADD CONSTRAINT "join_requests_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "join_requests" ADD CONSTRAINT "join_requests_decided_by_agents_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_created_by_agents_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_event_deliveries" ADD CONSTRAINT "webhook_event_deliveries_event_id_webhook_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."webhook_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_event_deliveries" ADD CONSTRAINT "webhook_event_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_event_deliveries" ADD CONSTRAINT "webhook_event_deliveries_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariff_brackets" ADD CONSTRAINT "tariff_brackets_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_sessions_agent_idx" ON "agent_sessions" USING btree ("agent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "agents_proconnect_identity_idx" ON "agents" USING btree ("proconnect_idp_id","proconnect_sub");--> statement-breakpoint
CREATE INDEX "audit_events_collectivity_idx" ON "audit_events" USING btree ("collectivity_id","id");--> statement-breakpoint
CREATE INDEX "audit_events_collectivity_action_idx" ON "audit_events" USING btree ("collectivity_id","action","id");--> statement-breakpoint
CREATE INDEX "qf_campaign_alerts_collectivity_idx" ON "qf_campaign_alerts" USING btree ("collectivity_id","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE UNIQUE INDEX "qf_campaign_items_campaign_family_idx" ON "qf_campaign_items" USING btree ("campaign_id","family_id");--> statement-breakpoint
CREATE INDEX "qf_campaign_items_claim_idx" ON "qf_campaign_items" USING btree ("campaign_id","status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "qf_campaign_items_family_idx" ON "qf_campaign_items" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "qf_campaigns_collectivity_idx" ON "qf_campaigns" USING btree ("collectivity_id","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "qf_campaigns_status_idx" ON "qf_campaigns" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "qf_campaigns_yearly_idx" ON "qf_campaigns" USING btree ("collectivity_id","annee") WHERE "qf_campaigns"."trigger" = 'cron';--> statement-breakpoint
CREATE INDEX "collectivities_code_cog_idx" ON "collectivities" USING btree ("code_cog");--> statement-breakpoint
CREATE INDEX "collectivities_status_departement_name_idx" ON "collectivities" USING btree ("status","departement","name");--> statement-breakpoint
CREATE INDEX "exports_reuse_idx" ON "exports" USING btree ("collectivity_id","query_key","format","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "exports_pending_idx" ON "exports" USING btree ("created_at") WHERE "exports"."status" in ('pending', 'running');--> statement-breakpoint
CREATE INDEX "exports_expires_idx" ON "exports" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "family_status_changes_family_idx" ON "family_status_changes" USING btree ("family_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "case_attachments_case_attachment_idx" ON "case_attachments" USING btree ("case_id","hubee_attachment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "families_collectivity_identity_key_idx" ON "families" USING btree ("collectivity_id","identity_key");--> statement-breakpoint
CREATE INDEX "families_inbox_idx" ON "families" USING btree ("collectivity_id","status","received_at" DESC NULLS FIRST,"id");--> statement-breakpoint
CREATE INDEX "families_received_idx" ON "families" USING btree ("collectivity_id","received_at" DESC NULLS FIRST,"id");--> statement-breakpoint
CREATE INDEX "families_qf_idx" ON "families" USING btree ("collectivity_id","qf_value","id");--> statement-breakpoint
CREATE INDEX "families_name_idx" ON "families" USING btree ("collectivity_id","family_name","given_names","id");--> statement-breakpoint
CREATE INDEX "families_children_idx" ON "families" USING btree ("collectivity_id","children_count");--> statement-breakpoint
CREATE INDEX "families_external_id_idx" ON "families" USING btree ("collectivity_id","external_id");--> statement-breakpoint
CREATE INDEX "families_search_idx" ON "families" USING gin (to_tsvector('simple', "search_text"));--> statement-breakpoint
CREATE INDEX "qf_history_family_idx" ON "qf_history" USING btree ("family_id","annee" DESC NULLS FIRST,"mois" DESC NULLS FIRST,"recorded_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE UNIQUE INDEX "qf_history_case_idx" ON "qf_history" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "received_cases_family_idx" ON "received_cases" USING btree ("family_id","received_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "received_cases_reference_idx" ON "received_cases" USING btree ("collectivity_id","reference");--> statement-breakpoint
CREATE INDEX "received_cases_unreported_idx" ON "received_cases" USING btree ("collectivity_id") WHERE "received_cases"."status_reported_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_open_unique" ON "invitations" USING btree ("collectivity_id","email") WHERE "invitations"."accepted_at" is null and "invitations"."cancelled_at" is null;--> statement-breakpoint
CREATE INDEX "invitations_email_idx" ON "invitations" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "join_requests_pending_unique" ON "join_requests" USING btree ("agent_id","collectivity_id") WHERE "join_requests"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "join_requests_collectivity_status_idx" ON "join_requests" USING btree ("collectivity_id","status");--> statement-breakpoint
CREATE INDEX "memberships_collectivity_idx" ON "memberships" USING btree ("collectivity_id");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_collectivity_idx" ON "webhook_endpoints" USING btree ("collectivity_id","created_at");--> statement-breakpoint
CREATE INDEX "webhook_event_deliveries_endpoint_idx" ON "webhook_event_deliveries" USING btree ("endpoint_id","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "webhook_event_deliveries_event_idx" ON "webhook_event_deliveries" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "webhook_event_deliveries_due_idx" ON "webhook_event_deliveries" USING btree ("next_attempt_at") WHERE "webhook_event_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_events_created_idx" ON "webhook_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "shipments_due_idx" ON "shipments" USING btree ("next_attempt_at") WHERE "shipments"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "shipments_hubee_case_idx" ON "shipments" USING btree ("hubee_case_id");--> statement-breakpoint
CREATE INDEX "shipments_collectivity_created_idx" ON "shipments" USING btree ("collectivity_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tariff_brackets_position_idx" ON "tariff_brackets" USING btree ("collectivity_id","position");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_model_idx" ON "webhook_deliveries" USING btree ("source","model_type","model_id","event");