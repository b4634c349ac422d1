import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { collectivities } from "../../db/schema/index.ts";

/**
 * The public collectivities API, in the reference form's shape. Communes' own
 * websites call it from the browser, hence CORS open to every origin: it only
 * ever exposes public data (name, SIRET, INSEE code) of active collectivities.
 */

export interface PublicCollectivity {
  name: string;
  siret: string;
  code_cog: string;
}

export const CODE_COG_PATTERN = /^[0-9][0-9AB][0-9]{3}$/;

/** Five minutes: a commune onboarded or deactivated shows up quickly enough. */
const CACHE_CONTROL = "public, max-age=300";

export const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
} as const;

/** French order ("Évry" between "Besançon" and "Nantes"), whatever the database collation. */
const byName = new Intl.Collator("fr", { sensitivity: "base", numeric: true });

export async function listPublicCollectivities(db: Database): Promise<PublicCollectivity[]> {
  const rows = await db
    .select({ name: collectivities.name, siret: collectivities.siret, code_cog: collectivities.codeCog })
    .from(collectivities)
    .where(eq(collectivities.status, "active"));
  return rows.sort((a, b) => byName.compare(a.name, b.name) || a.siret.localeCompare(b.siret));
}

/**
 * The active collectivity of an INSEE code. A code can have several (a commune
 * and its CCAS): the commune's own SIRET (SIREN 21…) wins, then the name.
 */
export async function findPublicCollectivityByCog(db: Database, codeCog: string): Promise<PublicCollectivity | null> {
  if (!CODE_COG_PATTERN.test(codeCog)) return null;
  const rows = await db
    .select({ name: collectivities.name, siret: collectivities.siret, code_cog: collectivities.codeCog })
    .from(collectivities)
    .where(and(eq(collectivities.status, "active"), eq(collectivities.codeCog, codeCog)));
  const isCommune = (row: PublicCollectivity) => (row.siret.startsWith("21") ? 0 : 1);
  rows.sort((a, b) => isCommune(a) - isCommune(b) || byName.compare(a.name, b.name));
  return rows[0] ?? null;
}

/** A JSON answer of the public API: CORS open and cacheable by browsers and proxies. */
export function publicJson(body: unknown, status = 200): Response {
  return Response.json(body, {
    status,
    headers: { ...CORS_HEADERS, "Cache-Control": CACHE_CONTROL },
  });
}

/**
 * The answer to a CORS preflight. Browsers only send one for non-simple
 * requests (custom headers), which some portals' HTTP clients add anyway.
 */
export function preflightResponse(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...CORS_HEADERS,
      "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
      "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type, Cache-Control, X-Requested-With",
      "Access-Control-Max-Age": "86400",
    },
  });
}

/** Remix sends OPTIONS to a resource route's loader: answer it there. */
export function isPreflight(request: Request): boolean {
  return request.method === "OPTIONS";
}

export const NOT_FOUND_BODY = { error: "Collectivity not found" } as const;
