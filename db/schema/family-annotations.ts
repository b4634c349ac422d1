import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { collectivities } from "./collectivities.ts";
import { families, receivedCases } from "./family-files.ts";

/**
 * What agents add to a family file: a private note, and the status changes they reported to
 * HubEE (the file's status timeline). Neither is ever sent to the citizen, except a refusal's
 * message, which is the message HubEE forwards.
 */

/**
 * One private note per family file, shared by the commune's agents. The collectivity is repeated
 * so every read can be scoped to the commune without a join.
 */
export const familyAnnotations = pgTable("family_annotations", {
  familyId: uuid("family_id")
    .primaryKey()
    .references(() => families.id, { onDelete: "cascade" }),
  collectivityId: uuid("collectivity_id")
    .notNull()
    .references(() => collectivities.id),
  /** Personal: free text about the family, written by agents. */
  body: text("body").notNull(),
  updatedBy: uuid("updated_by").references(() => agents.id, { onDelete: "set null" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type FamilyAnnotation = typeof familyAnnotations.$inferSelect;

/** Every status an agent reported to HubEE for a case, in order: the file's timeline. */
export const familyStatusChanges = pgTable(
  "family_status_changes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id),
    familyId: uuid("family_id")
      .notNull()
      .references(() => families.id, { onDelete: "cascade" }),
    caseId: uuid("case_id")
      .notNull()
      .references(() => receivedCases.id, { onDelete: "cascade" }),
    /** HubEE case statuses (SI_RECEIVED → IN_PROGRESS …). */
    fromStatus: text("from_status").notNull(),
    toStatus: text("to_status").notNull(),
    /** The STATUS_UPDATE event HubEE created. */
    hubeeEventId: text("hubee_event_id"),
    /** Personal for a refusal: what the citizen is told. */
    message: text("message").notNull(),
    agentId: uuid("agent_id").references(() => agents.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("family_status_changes_family_idx").on(table.familyId, table.createdAt),
    // A case's last reported status (each status action, each inbox run's owed reports) and the
    // cascade when a case is deleted (erasure, retention purge).
    index("family_status_changes_case_idx").on(table.caseId, table.createdAt),
  ],
);

export type FamilyStatusChange = typeof familyStatusChanges.$inferSelect;
