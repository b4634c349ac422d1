import { and, eq, sql, type SQL } from "drizzle-orm";
import { formatCents } from "~/domain/pricing/money";
import { UNIT_LABELS } from "~/domain/pricing/rules";
import {
  bucketStep,
  distribution,
  largestChange,
  revenueImpact,
  simulateDraft,
  type ChangeBucket,
  type FamilyGroup,
  type GroupChange,
  type RevenueImpact,
} from "~/domain/pricing/simulate-draft";
import { versionInForce } from "~/domain/pricing/versions";
import { formatDay } from "~/domain/paris-time";
import type { Database } from "../../../db/client.ts";
import { families } from "../../../db/schema/index.ts";
import type { TariffService, TariffVersion } from "./tariffs.server";

/*
 * A draft simulated on the commune's current families: every family of the commune (the
 * inbox's « Tous » tab), priced as the family file prices it. Families are read as groups of
 * the same QF and number of children in one `group by` (a few thousand rows for 50 000
 * families), then the few families with the largest increases in one more query.
 */

export const TOP_INCREASES = 20;

/** The commune's families by QF and number of children, with how many share them. */
export async function loadFamilyGroups(db: Database, collectivityId: string): Promise<FamilyGroup[]> {
  const rows = await db
    .select({
      qf: families.qfValue,
      children: families.childrenCount,
      count: sql<number>`count(*)::int`,
    })
    .from(families)
    .where(eq(families.collectivityId, collectivityId))
    .groupBy(families.qfValue, families.childrenCount);
  return rows.map((row) => ({
    qf: row.qf === null ? null : Number(row.qf),
    children: row.children,
    count: Number(row.count),
  }));
}

export interface IncreasedFamily {
  id: string;
  name: string;
  qf: number | null;
  children: number;
  currentCents: number;
  draftCents: number;
  changeCents: number;
}

/** The families of the largest-increase groups, at most `limit`, largest increase first. */
async function familiesOf(
  db: Database,
  collectivityId: string,
  increases: readonly GroupChange[],
  limit = TOP_INCREASES,
): Promise<IncreasedFamily[]> {
  const picked: GroupChange[] = [];
  let covered = 0;
  for (const change of increases) {
    if (covered >= limit) break;
    picked.push(change);
    covered += change.group.count;
  }
  if (picked.length === 0) return [];
  const matches: SQL[] = picked.map(({ group }) =>
    group.qf === null
      ? sql`(${families.qfValue} is null and ${families.childrenCount} = ${group.children})`
      : sql`(${families.qfValue} = ${group.qf} and ${families.childrenCount} = ${group.children})`,
  );
  const rows = await db
    .select({
      id: families.id,
      familyName: families.familyName,
      givenNames: families.givenNames,
      qf: families.qfValue,
      children: families.childrenCount,
    })
    .from(families)
    .where(and(eq(families.collectivityId, collectivityId), sql`(${sql.join(matches, sql` or `)})`));
  const rank = (row: { qf: number | null; children: number }) =>
    picked.findIndex((c) => c.group.qf === row.qf && c.group.children === row.children);
  return rows
    .map((row) => ({ row, change: picked[rank(row)]! }))
    .sort(
      (a, b) =>
        rank(a.row) - rank(b.row) ||
        (a.row.familyName ?? "").localeCompare(b.row.familyName ?? "", "fr") ||
        a.row.id.localeCompare(b.row.id),
    )
    .slice(0, limit)
    .map(({ row, change }) => ({
      id: row.id,
      name: [row.familyName, row.givenNames].filter(Boolean).join(" ") || "Identité illisible",
      qf: row.qf,
      children: row.children,
      currentCents: change.currentCents,
      draftCents: change.draftCents,
      changeCents: change.changeCents,
    }));
}

export interface DraftColumn {
  versionId: string;
  /** « Projet à partir du 01/09/2027 » */
  label: string;
  families: number;
  up: number;
  down: number;
  unchanged: number;
  buckets: ChangeBucket[];
  revenue: RevenueImpact | null;
  topIncreases: IncreasedFamily[];
}

export interface ServiceSimulation {
  service: { id: string; name: string; per: string; perChild: boolean };
  /** The tariff in force today, or null (every price is then compared with 0). */
  current: { label: string } | null;
  drafts: DraftColumn[];
  bucketStepCents: number;
  units: number | null;
}

export const draftLabel = (version: TariffVersion) => `Projet à partir du ${formatDay(version.validFrom)}`;

/**
 * Simulates one draft, or two side by side (same families, same buckets). Null when a
 * version asked for is not a draft of this service.
 */
export async function simulateServiceDrafts(
  db: Database,
  collectivityId: string,
  service: TariffService,
  input: { draftIds: string[]; units: number | null; today: string },
): Promise<ServiceSimulation | null> {
  const drafts = input.draftIds.map((id) => service.versions.find((v) => v.id === id && v.status === "draft"));
  if (drafts.length === 0 || drafts.some((d) => !d)) return null;
  const current = versionInForce(service.versions, input.today);
  const groups = await loadFamilyGroups(db, collectivityId);
  const simulations = drafts.map((draft) =>
    simulateDraft({ perChild: service.perChild, current: current?.rule ?? null }, draft!.rule, groups),
  );
  const step = bucketStep(largestChange(simulations));
  const columns: DraftColumn[] = [];
  for (const [index, simulation] of simulations.entries()) {
    const draft = drafts[index]!;
    columns.push({
      versionId: draft.id,
      label: draftLabel(draft),
      families: simulation.families,
      up: simulation.up,
      down: simulation.down,
      unchanged: simulation.unchanged,
      buckets: distribution(simulation, step),
      revenue: input.units === null ? null : revenueImpact(simulation, input.units),
      topIncreases: await familiesOf(db, collectivityId, simulation.increases),
    });
  }
  return {
    service: {
      id: service.id,
      name: service.name,
      per: UNIT_LABELS[service.unit].per,
      perChild: service.perChild,
    },
    current: current ? { label: `Tarif en vigueur depuis le ${formatDay(current.validFrom)}` } : null,
    drafts: columns,
    bucketStepCents: step,
    units: input.units,
  };
}

/** "+1,20 €", "−0,40 €", "0,00 €" */
export const formatChange = (cents: number) =>
  cents > 0 ? `+${formatCents(cents)}` : cents < 0 ? `−${formatCents(-cents)}` : formatCents(0);
