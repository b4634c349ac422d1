import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDatabase } from "~/db.server";
import { parisToday } from "~/domain/paris-time";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { exportSimulation, isSimulationFormat } from "~/portal/tariffs/simulation-export.server";
import { loadSimulation } from "./portail.communes.$siret.tarifs.$serviceId_.simulation/simulation-page.server";

/** The simulation as XLSX or ODS for the council, journaled; administrators only, like the page. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret, "admin");
  const url = new URL(request.url);
  const format = url.searchParams.get("format");
  if (!isSimulationFormat(format)) throw notFound();
  const db = await getDatabase();
  const loaded = await loadSimulation(db, collectivity.id, params.serviceId ?? "", url.searchParams);
  if (!loaded?.simulation || Object.keys(loaded.errors).length > 0) throw notFound();
  const actor = { agentId: agent.id, collectivityId: collectivity.id, requestId: context.requestId };
  return exportSimulation(db, actor, loaded.simulation, format, parisToday());
}
