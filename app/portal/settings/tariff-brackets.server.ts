import { asc, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { tariffBrackets } from "../../../db/schema/index.ts";
import type { TariffBracket } from "./tariff-brackets.ts";

/** The commune's brackets, lowest QF first (empty when it defined none). */
export async function loadTariffBrackets(db: Database, collectivityId: string): Promise<TariffBracket[]> {
  const rows = await db
    .select({ label: tariffBrackets.label, min: tariffBrackets.minValue, max: tariffBrackets.maxValue })
    .from(tariffBrackets)
    .where(eq(tariffBrackets.collectivityId, collectivityId))
    .orderBy(asc(tariffBrackets.position));
  return rows;
}

/** Replaces the commune's brackets (already validated by validateBrackets) in one transaction. */
export async function saveTariffBrackets(
  db: Database,
  collectivityId: string,
  brackets: readonly TariffBracket[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(tariffBrackets).where(eq(tariffBrackets.collectivityId, collectivityId));
    if (brackets.length === 0) return;
    await tx.insert(tariffBrackets).values(
      brackets.map((bracket, index) => ({
        collectivityId,
        position: index + 1,
        label: bracket.label,
        minValue: bracket.min,
        maxValue: bracket.max,
      })),
    );
  });
}
