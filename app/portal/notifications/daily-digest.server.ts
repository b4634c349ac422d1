import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { agents, collectivities, families, memberships, type FamilyFileStatus } from "../../../db/schema/index.ts";
import { notifyAgents } from "~/mail/notify.server";
import { renderDailyDigestMail } from "~/mail/templates/notification-mails.server";
import { INBOX_TABS } from "../dossiers/dossier-list-query";

/**
 * The 8:00 digest (Europe/Paris): per commune, the files received in the last 24 hours by tab,
 * to every member who wants it (administrators by default). Nothing new, no mail. Keyed by the
 * Paris day, so a second run the same day mails nobody twice.
 */

const parisDay = (date: Date) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/Paris",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(date);

export async function sendDailyDigests(db: Database, now = new Date()): Promise<{ communes: number; mails: number }> {
  const since = new Date(now.getTime() - 24 * 3_600_000);
  const counts = await db
    .select({ collectivityId: families.collectivityId, status: families.status, count: sql<number>`count(*)::int` })
    .from(families)
    .innerJoin(collectivities, eq(collectivities.id, families.collectivityId))
    .where(and(gte(families.receivedAt, since), lt(families.receivedAt, now), eq(collectivities.status, "active")))
    .groupBy(families.collectivityId, families.status);
  const byCommune = new Map<string, Map<FamilyFileStatus, number>>();
  for (const row of counts) {
    const statuses = byCommune.get(row.collectivityId) ?? new Map<FamilyFileStatus, number>();
    statuses.set(row.status, Number(row.count));
    byCommune.set(row.collectivityId, statuses);
  }
  let mails = 0;
  const day = parisDay(now);
  for (const [collectivityId, statuses] of byCommune) {
    const tabs = Object.values(INBOX_TABS)
      .filter((tab) => tab.status !== null)
      .map((tab) => ({ label: tab.label, count: statuses.get(tab.status!) ?? 0 }));
    if (tabs.every((tab) => tab.count === 0)) continue;
    mails += await db.transaction(async (t) => {
      const [commune] = await t
        .select({ name: collectivities.name, siret: collectivities.siret })
        .from(collectivities)
        .where(eq(collectivities.id, collectivityId));
      const members = await t
        .select({ agentId: agents.id, email: agents.email, role: memberships.role })
        .from(memberships)
        .innerJoin(agents, eq(agents.id, memberships.agentId))
        .where(eq(memberships.collectivityId, collectivityId));
      return notifyAgents(t, {
        recipients: members,
        kind: "daily_digest",
        preference: "daily_digest",
        causeKey: `daily-digest:${collectivityId}:${day}`,
        collectivityId,
        render: (agentId) =>
          renderDailyDigestMail(agentId, { communeName: commune!.name, siret: commune!.siret, tabs }),
      });
    });
  }
  return { communes: byCommune.size, mails };
}
