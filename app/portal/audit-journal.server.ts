import { and, asc, desc, eq, gt, gte, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "../../db/client.ts";
import { agents, auditEvents, invitations } from "../../db/schema/index.ts";
import { AUDIT_ACTION_LABELS } from "./audit-actions";
import { formatDateTime, parisDayEnd, parisDayStart } from "./paris-time";

/**
 * A commune's audit trail as its administrator reads it: filtered by action
 * and day, newest first, by pages keyed on the entry id (stable while new
 * entries keep arriving, unlike offsets).
 */

export const JOURNAL_PAGE_SIZE = 50;

export interface JournalQuery {
  action: string | null;
  /** "YYYY-MM-DD", Paris time, inclusive. */
  from: string | null;
  to: string | null;
  /** Entries older than this id (next page), or newer than `after` (previous page). */
  before: number | null;
  after: number | null;
}

export interface JournalEntry {
  id: number;
  occurredAt: string;
  action: string;
  actionLabel: string;
  actor: string;
  target: string | null;
  summary: string | null;
  requestId: string | null;
}

export interface JournalPage {
  entries: JournalEntry[];
  /** Cursor for the older page (`?avant=`), or null on the last page. */
  olderThan: number | null;
  /** Cursor for the newer page (`?apres=`), or null on the first page. */
  newerThan: number | null;
}

/** Reads the journal's GET form (invalid values are ignored rather than failing the page). */
export function parseJournalQuery(params: URLSearchParams): JournalQuery {
  const day = (name: string) => {
    const value = params.get(name) ?? "";
    return parisDayStart(value) ? value : null;
  };
  const cursor = (name: string) => {
    const value = Number(params.get(name));
    return Number.isSafeInteger(value) && value > 0 ? value : null;
  };
  const action = params.get("action") ?? "";
  return {
    action: /^[a-z_]+\.[a-z_]+$/.test(action) ? action : null,
    from: day("du"),
    to: day("au"),
    before: cursor("avant"),
    after: cursor("avant") ? null : cursor("apres"),
  };
}

const targetAgents = alias(agents, "target_agents");

export async function listJournal(
  db: Database,
  collectivityId: string,
  query: JournalQuery,
  pageSize = JOURNAL_PAGE_SIZE,
): Promise<JournalPage> {
  const filters: SQL[] = [eq(auditEvents.collectivityId, collectivityId)];
  if (query.action) filters.push(eq(auditEvents.action, query.action));
  const from = query.from ? parisDayStart(query.from) : null;
  const to = query.to ? parisDayEnd(query.to) : null;
  if (from) filters.push(gte(auditEvents.occurredAt, from));
  if (to) filters.push(lt(auditEvents.occurredAt, to));
  const base = and(...filters)!;

  const newerFirst = query.after === null;
  const cursor =
    query.after !== null
      ? gt(auditEvents.id, query.after)
      : query.before !== null
        ? lt(auditEvents.id, query.before)
        : undefined;
  const rows = await db
    .select({
      id: auditEvents.id,
      occurredAt: auditEvents.occurredAt,
      action: auditEvents.action,
      targetType: auditEvents.targetType,
      requestId: auditEvents.requestId,
      details: auditEvents.details,
      actorGivenName: agents.givenName,
      actorUsualName: agents.usualName,
      actorId: auditEvents.actorAgentId,
      targetGivenName: targetAgents.givenName,
      targetUsualName: targetAgents.usualName,
      invitationEmail: invitations.email,
    })
    .from(auditEvents)
    .leftJoin(agents, eq(agents.id, auditEvents.actorAgentId))
    .leftJoin(
      targetAgents,
      and(eq(auditEvents.targetType, "agent"), eq(sql`${targetAgents.id}::text`, auditEvents.targetId)),
    )
    .leftJoin(
      invitations,
      and(eq(auditEvents.targetType, "invitation"), eq(sql`${invitations.id}::text`, auditEvents.targetId)),
    )
    .where(cursor ? and(base, cursor) : base)
    .orderBy(newerFirst ? desc(auditEvents.id) : asc(auditEvents.id))
    .limit(pageSize + 1);

  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  if (!newerFirst) page.reverse();
  const first = page[0]?.id;
  const last = page.at(-1)?.id;
  const exists = async (condition: SQL) =>
    (await db.select({ id: auditEvents.id }).from(auditEvents).where(and(base, condition)).limit(1)).length > 0;

  const hasOlder = newerFirst ? more : last !== undefined && (await exists(lt(auditEvents.id, last)));
  const hasNewer = newerFirst
    ? first !== undefined && query.before !== null && (await exists(gt(auditEvents.id, first)))
    : more;

  return {
    entries: page.map((row) => ({
      id: row.id,
      occurredAt: formatDateTime(row.occurredAt),
      action: row.action,
      actionLabel: AUDIT_ACTION_LABELS[row.action] ?? row.action,
      actor: row.actorUsualName
        ? `${row.actorGivenName} ${row.actorUsualName}`
        : row.actorId
          ? "Agent supprimé"
          : "Plateforme (automatique)",
      target:
        row.targetType === "agent" && row.targetUsualName
          ? `${row.targetGivenName} ${row.targetUsualName}`
          : row.targetType === "invitation" && row.invitationEmail
            ? row.invitationEmail
            : null,
      summary: summarise(row.action, row.details),
      requestId: row.requestId,
    })),
    olderThan: hasOlder && last !== undefined ? last : null,
    newerThan: hasNewer && first !== undefined ? first : null,
  };
}

const ROLE_LABELS: Record<string, string> = { admin: "administrateur", agent: "agent" };
const FIELD_LABELS: Record<string, string> = {
  hubeeSiClientId: "identifiant client HubEE",
  hubeeSiSecret: "secret HubEE",
  apiParticulierToken: "jeton API Particulier",
  redirectOrigins: "origines autorisées",
  contactEmail: "adresse de contact",
  contactPhone: "téléphone",
  website: "site internet",
};

/** A short French reading of the entry's details (which are ids, field names and statuses only). */
function summarise(action: string, details: Record<string, unknown>): string | null {
  const role = (value: unknown) => ROLE_LABELS[String(value)] ?? String(value);
  switch (action) {
    case "settings.updated":
      return Array.isArray(details.fields)
        ? `Champs : ${details.fields.map((f) => FIELD_LABELS[String(f)] ?? String(f)).join(", ")}`
        : null;
    case "settings.connection_tested":
      return `${details.service === "hubee" ? "HubEE" : "API Particulier"} : ${details.level === "success" ? "réussi" : "échec"}`;
    case "membership.role_changed":
      return `${role(details.from)} → ${role(details.to)}`;
    case "invitation.created":
    case "invitation.accepted":
    case "membership.created":
    case "membership.revoked":
      return details.role ? `Rôle : ${role(details.role)}` : null;
    default:
      return null;
  }
}
