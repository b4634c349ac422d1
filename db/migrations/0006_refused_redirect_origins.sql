CREATE TABLE "refused_redirect_origins" (
	"collectivity_id" uuid NOT NULL,
	"origin" text NOT NULL,
	"count" integer DEFAULT 1 NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refused_redirect_origins_collectivity_id_origin_pk" PRIMARY KEY("collectivity_id","origin")
);
--> statement-breakpoint
ALTER TABLE "refused_redirect_origins" ADD CONSTRAINT "refused_redirect_origins_collectivity_id_collectivities_id_fk" FOREIGN KEY ("collectivity_id") REFERENCES "public"."collectivities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "refused_redirect_origins_recent_idx" ON "refused_redirect_origins" USING btree ("collectivity_id","last_seen_at" DESC NULLS LAST);