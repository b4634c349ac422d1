ALTER TABLE "join_requests" ALTER COLUMN "agent_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "join_requests" ADD COLUMN "email" text;--> statement-breakpoint
ALTER TABLE "join_requests" ADD COLUMN "source" text DEFAULT 'proconnect' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "join_requests_pending_email_unique" ON "join_requests" USING btree ("email","collectivity_id") WHERE "join_requests"."status" = 'pending' and "join_requests"."agent_id" is null;--> statement-breakpoint
ALTER TABLE "join_requests" ADD CONSTRAINT "join_requests_who" CHECK ("join_requests"."agent_id" is not null or "join_requests"."email" is not null);