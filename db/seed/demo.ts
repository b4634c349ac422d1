import { sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { collectivities, type NewCollectivity } from "../schema/index.ts";
import { seedDemoPortal } from "./demo-agents.ts";
import { seedDemoTariffs } from "./demo-tariffs.ts";

/**
 * Demo communes. The simulators hold the same communes (simulators/demo-data.ts:
 * DEMO_COMMUNES, and DEMO_EDITOR_COMMUNES for Nantes); tests/integration/demo-data.test.ts
 * checks both sides agree and that HubEE subscribes every active commune but Rennes,
 * tests/integration/demo-agents.test.ts checks the portal's agents and credentials.
 */
export const DEMO_COLLECTIVITIES: NewCollectivity[] = [
  { name: "Angers", siret: "21490007900010", codeCog: "49007", departement: "49" },
  { name: "Besançon", siret: "21250056300011", codeCog: "25056", departement: "25" },
  { name: "Pau", siret: "21640445000019", codeCog: "64445", departement: "64" },
  { name: "Ajaccio", siret: "21200004000015", codeCog: "2A004", departement: "2A" },
  { name: "Rennes", siret: "21350238000016", codeCog: "35238", departement: "35" },
  // Uses a software editor: subscribed to FormulaireQF in HubEE, its editor's software
  // receives its folders with its own SI client. No portal agents or credentials: the
  // portal must not poll its queue.
  { name: "Nantes", siret: "21440109000011", codeCog: "44109", departement: "44", editor: "Arpège" },
  // Inactive: its deep link must show a clear message.
  { name: "Quimper", siret: "21290232000010", codeCog: "29232", departement: "29", status: "inactive" },
];

/** Idempotent: safe at every demo start. */
export async function seedDemo(db: Database): Promise<void> {
  await db
    .insert(collectivities)
    .values(DEMO_COLLECTIVITIES)
    .onConflictDoUpdate({
      target: collectivities.siret,
      set: { name: sql`excluded.name`, updatedAt: sql`now()` },
    });
  await seedDemoPortal(db);
  await seedDemoTariffs(db);
}
