ALTER TABLE "hubee_inbox_polls" ADD COLUMN "next_poll_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "hubee_inbox_polls" ADD COLUMN "poll_interval_seconds" integer DEFAULT 60 NOT NULL;--> statement-breakpoint
CREATE INDEX "hubee_inbox_polls_due_idx" ON "hubee_inbox_polls" USING btree ("next_poll_at");