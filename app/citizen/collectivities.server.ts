import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { collectivities, type Collectivity } from "../../db/schema/index.ts";
import { cogDepartements, describeDepartement } from "~/geo/insee-cog.server";

/** Folds case and accents so "besancon" finds "Besançon". */
export function searchKey(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

export interface DepartementGroup {
  departement: string;
  /** "49 — Maine-et-Loire". */
  departementLabel: string;
  collectivities: Pick<Collectivity, "name" | "siret" | "codeCog">[];
}

/** Active collectivities grouped by département, optionally filtered by name, INSEE code, SIRET or département. */
export async function listActiveCollectivities(db: Database, query = ""): Promise<DepartementGroup[]> {
  const rows = await db
    .select({
      name: collectivities.name,
      siret: collectivities.siret,
      codeCog: collectivities.codeCog,
      departement: collectivities.departement,
    })
    .from(collectivities)
    .where(eq(collectivities.status, "active"))
    .orderBy(asc(collectivities.departement), asc(collectivities.name));
  const needle = searchKey(query);
  const matching = needle
    ? rows.filter(
        (row) =>
          searchKey(row.name).includes(needle) ||
          row.siret === needle ||
          row.codeCog.toLowerCase() === needle ||
          row.departement.toLowerCase() === needle ||
          searchKey(cogDepartements().get(row.departement)?.label ?? "").includes(needle),
      )
    : rows;
  const groups = new Map<string, DepartementGroup>();
  for (const { departement, ...collectivity } of matching) {
    const group = groups.get(departement) ?? {
      departement,
      departementLabel: describeDepartement(departement),
      collectivities: [],
    };
    group.collectivities.push(collectivity);
    groups.set(departement, group);
  }
  return [...groups.values()];
}

export async function findCollectivityBySiret(db: Database, siret: string): Promise<Collectivity | null> {
  if (!/^\d{14}$/.test(siret)) return null;
  const [row] = await db.select().from(collectivities).where(eq(collectivities.siret, siret));
  return row ?? null;
}

export async function findActiveCollectivityBySiret(db: Database, siret: string): Promise<Collectivity | null> {
  if (!/^\d{14}$/.test(siret)) return null;
  const [row] = await db
    .select()
    .from(collectivities)
    .where(and(eq(collectivities.siret, siret), eq(collectivities.status, "active")));
  return row ?? null;
}
