import { PassThrough } from "node:stream";
import { recordAudit } from "~/audit/audit.server";
import type { Database } from "../../../db/client.ts";
import type { CellValue } from "../exports/export-columns";
import { EXPORT_FORMAT_INFO } from "../exports/export-formats";
import { exportHeaders } from "../exports/exports.server";
import { writeOdsTables } from "../exports/ods-writer.server";
import type { SheetTable } from "../exports/sheet-table";
import { writeXlsxTables } from "../exports/xlsx-writer.server";
import type { Actor } from "./tariffs.server";
import type { ServiceSimulation } from "./draft-simulation.server";

/*
 * A simulation as a spreadsheet for the council's deliberation: the summary, the distribution
 * of changes and the largest increases by QF and number of children. No names: the document
 * leaves the portal with the council's papers, and the family files stay one click away in it.
 */

export type SimulationFormat = "xlsx" | "ods";
export const isSimulationFormat = (value: unknown): value is SimulationFormat => value === "xlsx" || value === "ods";

export function simulationTables(simulation: ServiceSimulation): SheetTable[] {
  const drafts = simulation.drafts;
  const draftColumns = (type: "integer" | "cents") => drafts.map((d) => ({ header: d.label, type, width: 28 }));
  const counts: [string, (d: (typeof drafts)[number]) => CellValue][] = [
    ["Familles simulées", (d) => d.families],
    ["Familles dont le tarif augmente", (d) => d.up],
    ["Familles dont le tarif baisse", (d) => d.down],
    ["Familles dont le tarif est inchangé", (d) => d.unchanged],
  ];
  const revenue: [string, (d: (typeof drafts)[number]) => CellValue][] = [
    ["Recettes annuelles au tarif en vigueur", (d) => d.revenue?.currentCents ?? null],
    ["Recettes annuelles au projet", (d) => d.revenue?.draftCents ?? null],
    ["Différence de recettes annuelles", (d) => d.revenue?.differenceCents ?? null],
  ];
  const summary: SheetTable = {
    name: "Synthèse",
    columns: [
      { header: "Indicateur", type: "text", width: 44 },
      ...drafts.map((d) => ({ header: d.label, type: "text" as const, width: 28 })),
    ],
    rows: [
      ["Service", ...drafts.map(() => `${simulation.service.name} (${simulation.service.per})`)],
      ["Comparé au", ...drafts.map(() => simulation.current?.label ?? "Aucun tarif en vigueur")],
      ...counts.map(([label, value]) => [label, ...drafts.map((d) => String(value(d)))]),
      [
        "Unités par famille et par an",
        ...drafts.map(() => (simulation.units === null ? "" : String(simulation.units))),
      ],
    ],
  };
  const revenueTable: SheetTable = {
    name: "Recettes",
    columns: [{ header: "Recettes (euros)", type: "text", width: 44 }, ...draftColumns("cents")],
    rows: simulation.units === null ? [] : revenue.map(([label, value]) => [label, ...drafts.map(value)]),
  };
  const buckets: SheetTable = {
    name: "Répartition",
    columns: [{ header: "Variation du tarif par unité", type: "text", width: 40 }, ...draftColumns("integer")],
    rows: drafts[0]!.buckets.map((bucket, i) => [bucket.label, ...drafts.map((d) => d.buckets[i]!.count)]),
  };
  const increases: SheetTable = {
    name: "Plus fortes hausses",
    columns: [
      { header: "Projet", type: "text", width: 28 },
      { header: "Quotient familial", type: "integer", width: 18 },
      { header: "Enfants", type: "integer", width: 10 },
      { header: "Tarif en vigueur", type: "cents", width: 16 },
      { header: "Tarif du projet", type: "cents", width: 16 },
      { header: "Hausse", type: "cents", width: 12 },
    ],
    rows: drafts.flatMap((d) =>
      d.topIncreases.map((f) => [d.label, f.qf, f.children, f.currentCents, f.draftCents, f.changeCents]),
    ),
  };
  return [summary, revenueTable, buckets, increases];
}

const fileName = (serviceName: string, format: SimulationFormat, today: string) =>
  `simulation-${serviceName
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase()}-${today}.${EXPORT_FORMAT_INFO[format].extension}`;

/** The file as a response, journaled as `tariff_simulation.exported` (ids and counts only). */
export async function exportSimulation(
  db: Database,
  actor: Actor,
  simulation: ServiceSimulation,
  format: SimulationFormat,
  today: string,
): Promise<Response> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  const tables = simulationTables(simulation);
  await (format === "xlsx" ? writeXlsxTables(tables, out) : writeOdsTables(tables, out));
  const body = Buffer.concat(chunks);
  await recordAudit(db, {
    actor: actor.agentId,
    collectivityId: actor.collectivityId,
    action: "tariff_simulation.exported",
    targetType: "tariff_service",
    targetId: simulation.service.id,
    requestId: actor.requestId,
    details: {
      format,
      versionIds: simulation.drafts.map((d) => d.versionId),
      units: simulation.units,
      families: simulation.drafts[0]?.families ?? 0,
    },
  });
  const name = fileName(simulation.service.name, format, today);
  return new Response(body, { headers: exportHeaders(format, name, body.length) });
}
