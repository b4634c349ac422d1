CREATE TABLE "tariff_services" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"name" text NOT NULL,
	"unit" text NOT NULL,
	"per_child" boolean DEFAULT false NOT NULL,
	"expected_units_per_year" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tariff_services_unit" CHECK ("tariff_services"."unit" in ('repas', 'heure', 'journee', 'demi_journee', 'mois'))
);
--> statement-breakpoint
CREATE TABLE "tariff_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"collectivity_id" uuid NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"valid_from" date NOT NULL,
	"rule" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"published_by" uuid,
	CONSTRAINT "tariff_versions_status" CHECK ("tariff_versions"."status" in ('draft', 'published'))
);
--> statement-breakpoint
ALTER TABLE "tariff_services" ADD CONSTRAINT "tariff_services_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariff_versions" ADD CONSTRAINT "tariff_versions_service_id_tariff_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."tariff_services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariff_versions" ADD CONSTRAINT "tariff_versions_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tariff_versions" ADD CONSTRAINT "tariff_versions_published_by_agents_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."agents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "tariff_services_name_idx" ON "tariff_services" USING btree ("collectivity_id","name");--> statement-breakpoint
CREATE INDEX "tariff_versions_service_idx" ON "tariff_versions" USING btree ("service_id","valid_from");--> statement-breakpoint
CREATE INDEX "tariff_versions_collectivity_idx" ON "tariff_versions" USING btree ("collectivity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tariff_versions_published_start_idx" ON "tariff_versions" USING btree ("service_id","valid_from") WHERE "tariff_versions"."status" = 'published';