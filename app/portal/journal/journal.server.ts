import { and, asc, desc, eq, gt, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "../../../db/client.ts";
import { agents, auditEvents, families, invitations, qfCampaigns } from "../../../db/schema/index.ts";
import { AUDIT_ACTION_LABELS } from "../../audit/audit-actions";
import { campaignIdOf, familyFileLabel, familyIdOf, otherTarget, summariseDetails } from "./journal-entry-text";
import { formatMonthYear } from "~/domain/format";
import { formatDateTime, parisDayEnd, parisDayStart } from "../../domain/paris-time";

/**
 * A commune's audit trail as its administrator reads it: filtered by action
 * and day, newest first, by pages keyed on the entry id (stable while new
 * entries keep arriving, unlike offsets).
 */

export const JOURNAL_PAGE_SIZE = 50;

export interface JournalQuery {
  action: string | null;
  /** One family file's history: the entries that concern it (`?dossier=<id>`). */
  familyId: string | null;
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
  /** What the entry concerns: an agent, an invitation, a family file by its identifier, a campaign, a list. */
  target: string | null;
  /** Where that is in the commune's space ("dossiers/<id>"), while it still exists there. */
  targetPath: string | null;
  /** The family file the entry concerns, to filter the journal on it. */
  familyId: string | null;
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
  const familyId = (params.get("dossier") ?? "").toLowerCase();
  return {
    action: /^[a-z_]+\.[a-z_]+$/.test(action) ? action : null,
    familyId: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(familyId) ? familyId : null,
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
  if (query.familyId) {
    // The same reading as familyIdOf: the file itself, or an attachment of it.
    filters.push(
      or(
        and(eq(auditEvents.targetType, "family"), eq(auditEvents.targetId, query.familyId)),
        and(
          eq(auditEvents.action, "attachment.downloaded"),
          sql`${auditEvents.details}->>'familyId' = ${query.familyId}`,
        ),
      )!,
    );
  }
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
      targetId: auditEvents.targetId,
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

  const { liveFamilies, campaigns } = await linkedRecords(db, collectivityId, page);

  return {
    entries: page.map((row) => {
      const familyId = familyIdOf(row);
      const campaignId = campaignIdOf(row);
      const campaign = campaignId ? campaigns.get(campaignId) : undefined;
      let target: string | null = null;
      let targetPath: string | null = null;
      if (row.targetType === "agent" && row.targetUsualName) {
        target = `${row.targetGivenName} ${row.targetUsualName}`;
      } else if (row.targetType === "invitation" && row.invitationEmail) {
        target = row.invitationEmail;
      } else if (familyId) {
        const live = liveFamilies.has(familyId);
        target = live ? familyFileLabel(familyId) : `${familyFileLabel(familyId)} (supprimé)`;
        targetPath = live ? `dossiers/${familyId}` : null;
      } else if (campaignId) {
        target = campaign ? `Mise à jour des QF de ${campaign}` : "Mise à jour des QF (supprimée)";
        targetPath = campaign ? `campagnes/${campaignId}` : null;
      } else {
        target = otherTarget(row.action, row.details);
      }
      return {
        id: row.id,
        occurredAt: formatDateTime(row.occurredAt),
        action: row.action,
        actionLabel: AUDIT_ACTION_LABELS[row.action] ?? row.action,
        actor: row.actorUsualName
          ? `${row.actorGivenName} ${row.actorUsualName}`
          : row.actorId
            ? "Agent supprimé"
            : "Plateforme (automatique)",
        target,
        targetPath,
        familyId,
        summary: summariseDetails(row.action, row.details),
        requestId: row.requestId,
      };
    }),
    olderThan: hasOlder && last !== undefined ? last : null,
    newerThan: hasNewer && first !== undefined ? first : null,
  };
}

/**
 * Which of the page's family files and campaigns still exist in this commune, and the campaigns'
 * periods: only those get a link. Looked up by id in the commune, never in another's.
 */
async function linkedRecords(
  db: Database,
  collectivityId: string,
  rows: { action: string; targetType: string | null; targetId: string | null; details: Record<string, unknown> }[],
): Promise<{ liveFamilies: Set<string>; campaigns: Map<string, string> }> {
  const familyIds = [...new Set(rows.map(familyIdOf).filter((id): id is string => id !== null))];
  const campaignIds = [...new Set(rows.map(campaignIdOf).filter((id): id is string => id !== null))];
  const [liveFamilies, campaignRows] = await Promise.all([
    familyIds.length === 0
      ? []
      : db
          .select({ id: families.id })
          .from(families)
          .where(and(eq(families.collectivityId, collectivityId), inArray(families.id, familyIds))),
    campaignIds.length === 0
      ? []
      : db
          .select({ id: qfCampaigns.id, annee: qfCampaigns.annee, mois: qfCampaigns.mois })
          .from(qfCampaigns)
          .where(and(eq(qfCampaigns.collectivityId, collectivityId), inArray(qfCampaigns.id, campaignIds))),
  ]);
  return {
    liveFamilies: new Set(liveFamilies.map((row) => row.id)),
    campaigns: new Map(campaignRows.map((row) => [row.id, formatMonthYear(row.mois, row.annee)])),
  };
}
