import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  customType,
  index,
  integer,
  primaryKey,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { collectivities } from "./collectivities.ts";

/**
 * Family files of the commune portal: what communes receive from HubEE (SI side).
 *
 * PERSONAL DATA: every column marked "personal" below holds data about a citizen or their
 * family. It is shown to the commune's agents only and must never reach logs, error messages
 * sent to HubEE, or metrics; log ids and counts instead.
 */

/** Case status as agents see it (tabs of the inbox); "error" = the transmission could not be integrated. */
export const FAMILY_FILE_STATUSES = ["received", "in_progress", "done", "refused", "error"] as const;
export type FamilyFileStatus = (typeof FAMILY_FILE_STATUSES)[number];

export const QF_PROVIDERS = ["CNAF", "MSA"] as const;
export type QfProvider = (typeof QF_PROVIDERS)[number];

export const QF_SOURCES = ["transmission", "yearly_update", "manual_lookup"] as const;
export type QfSource = (typeof QF_SOURCES)[number];

/** A person as API Particulier v3 describes them (the v2 shape is converted on reception). */
export interface FamilyMember {
  nom_naissance: string;
  nom_usage: string | null;
  /** Space-separated. */
  prenoms: string;
  /** YYYY-MM-DD, parts may be 00 when unknown. */
  date_naissance: string;
  sexe: "F" | "M";
}

export interface FamilyMembers {
  allocataires: FamilyMember[];
  enfants: FamilyMember[];
}

/** API Particulier v3's `adresse`. */
export interface FamilyAddress {
  destinataire: string;
  complement_information: string | null;
  complement_information_geographique: string | null;
  numero_libelle_voie: string | null;
  lieu_dit: string | null;
  code_postal_ville: string;
  pays: string;
}

/** postgres.js hands back a Buffer, PGlite a Uint8Array: callers always get a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
  toDriver: (value) => value,
});

/**
 * One family file per (commune, pivot identity): a family that transmits again gets its new
 * QF added to `qf_history` rather than a second file. A transmission that could not be read
 * (malformed payload, digest mismatch) gets a file of its own with `identity_key` null and
 * status "error", so agents see it.
 */
export const families = pgTable(
  "families",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id),
    /**
     * Personal (pseudonymous): SHA-256 hex of the normalised pivot identity (see
     * app/portal/family-files/family-identity.ts); null for unreadable transmissions, which never merge.
     */
    identityKey: varchar("identity_key", { length: 64 }),
    /** Personal: birth name. For an unreadable transmission, the HubEE applicant's last name. */
    familyName: text("family_name"),
    /** Personal: every first name, space-separated as FranceConnect sends them. */
    givenNames: text("given_names"),
    /** Personal. */
    gender: text("gender", { enum: ["male", "female"] }),
    /** Personal: YYYY-MM-DD, possibly presumed (YYYY-MM-00, YYYY-00-00). */
    birthdate: text("birthdate"),
    /** Personal: INSEE COG commune code; null when born abroad. */
    birthplace: varchar("birthplace", { length: 5 }),
    /** Personal: INSEE COG country code, 99100 for France. */
    birthcountry: varchar("birthcountry", { length: 5 }),
    /**
     * Personal: name of a former birth commune missing from the COG (saved by an agent's manual
     * lookup), with `birthDepartement`; API Particulier's second birthplace option. Null otherwise.
     */
    birthplaceName: text("birthplace_name"),
    /** Personal: INSEE département code of that former commune (2A, 2B, 971…). */
    birthDepartement: varchar("birth_departement", { length: 3 }),
    /** Personal: the current QF (most recent period received). */
    qfValue: integer("qf_value"),
    qfAnnee: integer("qf_annee"),
    qfMois: integer("qf_mois"),
    qfProvider: text("qf_provider", { enum: QF_PROVIDERS }),
    qfUpdatedAt: timestamp("qf_updated_at", { withTimezone: true }),
    /** Personal: allocataires and children (FamilyMembers). */
    members: jsonb("members").$type<FamilyMembers>().notNull().default({ allocataires: [], enfants: [] }),
    /** Personal: postal address (FamilyAddress). */
    address: jsonb("address").$type<FamilyAddress>(),
    /** Personal: the commune's own file number passed through the citizen deep link, latest transmission. */
    externalId: text("external_id"),
    /** Personal: accent-folded lower-case names of the allocataires and children, for search. */
    searchText: text("search_text").notNull().default(""),
    /** Number of children, for filters. */
    childrenCount: integer("children_count").notNull().default(0),
    status: text("status", { enum: FAMILY_FILE_STATUSES }).notNull().default("received"),
    /** Why the latest transmission could not be integrated, in French, for agents (no personal data). */
    ingestionError: text("ingestion_error"),
    /** When the latest transmission reached the portal. */
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // Nulls are distinct in PostgreSQL 15: unreadable transmissions (null key) never collide.
    uniqueIndex("families_collectivity_identity_key_idx").on(table.collectivityId, table.identityKey),
    // Inbox tabs: a commune's files by status, most recent first, id as the keyset tiebreaker.
    // NULLS FIRST is what a plain `order by … desc` means, so the planner can use these indexes.
    index("families_inbox_idx").on(table.collectivityId, table.status, table.receivedAt.desc().nullsFirst(), table.id),
    // "Tous" tab and date filters across statuses.
    index("families_received_idx").on(table.collectivityId, table.receivedAt.desc().nullsFirst(), table.id),
    // The id ends the "QF" and "nom" sorts (total order): in the index, a deep page of those sorts is
    // an index-only scan instead of sorting the commune's every file (bench/RESULTS.md). The status
    // comes last (a key column only because drizzle has no INCLUDE): the tab counters of a QF or
    // price filter count the matching range from the index alone, without reading the families
    // (250 000 files, a 57 000-file range: 40 -> 11 ms; migration 0016).
    index("families_qf_idx").on(table.collectivityId, table.qfValue, table.id, table.status),
    index("families_name_idx").on(table.collectivityId, table.familyName, table.givenNames, table.id),
    // The inbox's filters (children, QF, status, date, provider) in one index, so that the tab
    // counters of any combination of them count from the index alone (an index-only scan of at
    // most the commune's entries) instead of reading each matching family, or the whole table:
    // at 250 000 files in a commune of a 5-million-file table, « régime MSA » alone took 600 ms (a
    // parallel sequential scan), now 13 ms. The children first: with a QF range they make a narrow
    // range (ADR 040, migration 0017).
    index("families_filters_idx").on(
      table.collectivityId,
      table.childrenCount,
      table.qfValue,
      table.status,
      table.receivedAt,
      table.qfProvider,
    ),
    index("families_external_id_idx").on(table.collectivityId, table.externalId),
    // Name search starting from the commune (ADR 033): each word's prefixes (up to 10 letters) as
    // exact keys beside the commune (btree_gin), so « bernard mar » intersects the commune's
    // entries instead of expanding « mar* » over every commune. name_prefixes() is created by
    // migration 0013; the tsvector condition still decides (longer words, exact semantics).
    index("families_name_prefixes_idx").using("gin", table.collectivityId, sql`name_prefixes(${table.searchText})`),
    check("families_qf_mois_range", sql`${table.qfMois} is null or ${table.qfMois} between 1 and 12`),
    check("families_children_count_positive", sql`${table.childrenCount} >= 0`),
  ],
);

export type Family = typeof families.$inferSelect;
export type NewFamily = typeof families.$inferInsert;

/**
 * One row per HubEE case received. The unique HubEE case id makes ingestion idempotent: a
 * notification delivered twice, or a run that crashed after storing, finds the case here and
 * only finishes reporting its status. HubEE ids are technical identifiers, not personal data.
 */
export const receivedCases = pgTable(
  "received_cases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    collectivityId: uuid("collectivity_id")
      .notNull()
      .references(() => collectivities.id),
    familyId: uuid("family_id")
      .notNull()
      .references(() => families.id),
    hubeeCaseId: text("hubee_case_id").notNull().unique(),
    /** The sender's case number, e.g. Formulaire-QF-<reference>. */
    hubeeExternalId: text("hubee_external_id").notNull(),
    /** The shipment reference shown to the citizen (13 hex chars), when the externalId carries one. */
    reference: varchar("reference", { length: 13 }),
    /** Personal: the commune's own file number from FormulaireQF.json. */
    externalId: text("external_id"),
    /** Personal: HubEE applicant, as the sender declared them. */
    applicantFirstName: text("applicant_first_name"),
    applicantLastName: text("applicant_last_name"),
    /** Which blocks FormulaireQF.json carried ("v3", "v2", "v3+v2"); null when unreadable. */
    payloadVersion: text("payload_version"),
    /** French, for agents (never personal data): why the case could not be integrated. */
    ingestionError: text("ingestion_error"),
    /** Last case status known to the portal (ours or reported by HubEE): SI_RECEIVED, SI_INTG_ERROR, IN_PROGRESS… */
    hubeeStatus: text("hubee_status").notNull(),
    /**
     * When HubEE accepted our SI_RECEIVED / SI_INTG_ERROR; null while it is still owed
     * (a run stored the case then failed before reporting: the next run reports it).
     */
    statusReportedAt: timestamp("status_reported_at", { withTimezone: true }),
    /** The case's createDateTime in HubEE: when the citizen transmitted it. */
    transmittedAt: timestamp("transmitted_at", { withTimezone: true }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("received_cases_family_idx").on(table.familyId, table.receivedAt.desc().nullsFirst()),
    index("received_cases_reference_idx").on(table.collectivityId, table.reference),
    // The statistics page's cases per month.
    index("received_cases_collectivity_received_idx").on(table.collectivityId, table.receivedAt),
    // The platform dashboard: cases received over the period, counted from the index alone.
    index("received_cases_received_idx").on(table.receivedAt, table.hubeeStatus),
    // Cases whose status report to HubEE is still owed.
    index("received_cases_unreported_idx")
      .on(table.collectivityId)
      .where(sql`${table.statusReportedAt} is null`),
  ],
);

export type ReceivedCase = typeof receivedCases.$inferSelect;

/** The files of a case, bytes included so agents can download them after HubEE purges its copy. */
export const caseAttachments = pgTable(
  "case_attachments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => receivedCases.id, { onDelete: "cascade" }),
    hubeeAttachmentId: text("hubee_attachment_id").notNull(),
    /** Personal: the PDF's name carries the citizen's names. */
    fileName: text("file_name").notNull(),
    mimeType: text("mime_type").notNull(),
    size: integer("size").notNull(),
    /** SHA-256 of the stored bytes, base64 (HubEE's digest format). */
    sha256: text("sha256").notNull(),
    /** The digest HubEE sent with the file; null when it sent none. */
    hubeeDigest: text("hubee_digest"),
    /** True when HubEE's digest matched the bytes; false when it differed or was missing. */
    digestVerified: boolean("digest_verified").notNull(),
    /** Personal: the file itself. */
    content: bytea("content").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex("case_attachments_case_attachment_idx").on(table.caseId, table.hubeeAttachmentId)],
);

export type CaseAttachment = typeof caseAttachments.$inferSelect;

/** Every QF value a family file has known, with where it came from. Personal data. */
export const qfHistory = pgTable(
  "qf_history",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    familyId: uuid("family_id")
      .notNull()
      .references(() => families.id, { onDelete: "cascade" }),
    value: integer("value").notNull(),
    annee: integer("annee").notNull(),
    mois: integer("mois").notNull(),
    provider: text("provider", { enum: QF_PROVIDERS }).notNull(),
    source: text("source", { enum: QF_SOURCES }).notNull(),
    /** The transmission that brought it; null for yearly updates and manual lookups. */
    caseId: uuid("case_id").references(() => receivedCases.id, { onDelete: "set null" }),
    /** The agent's lookup whose answer was saved; null otherwise. A second save of it adds nothing. */
    lookupId: uuid("lookup_id"),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("qf_history_family_idx").on(
      table.familyId,
      table.annee.desc().nullsFirst(),
      table.mois.desc().nullsFirst(),
      table.recordedAt.desc().nullsFirst(),
    ),
    // A transmission adds one QF row at most, even if its ingestion is replayed.
    uniqueIndex("qf_history_case_idx").on(table.caseId),
    // A lookup's answer is saved once, however many times its form is posted (a double click).
    uniqueIndex("qf_history_lookup_idx").on(table.lookupId),
    check("qf_history_mois_range", sql`${table.mois} between 1 and 12`),
  ],
);

export type QfHistoryEntry = typeof qfHistory.$inferSelect;

/**
 * Files per commune and status, kept by a trigger on `families` in the same transaction as every
 * insert, status change and deletion (hand-written part of migration 0009): the agents' list reads
 * its tab counters here when no filter narrows it, in constant time whatever the commune's size
 * (issue 20). Never written by the application.
 */
export const familyStatusCounts = pgTable(
  "family_status_counts",
  {
    collectivityId: uuid("collectivity_id").notNull(),
    status: text("status", { enum: FAMILY_FILE_STATUSES }).notNull(),
    count: integer("count").notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.collectivityId, table.status] })],
);
