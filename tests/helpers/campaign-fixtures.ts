import crypto from "node:crypto";
import { collectivities, collectivitySettings, families } from "../../db/schema/index.ts";
import type { Database } from "../../db/client.ts";
import { sealSettingsSecret } from "../../app/portal/settings/settings-secrets.server.ts";

/**
 * Communes with an API Particulier token in their settings (sealed like the demo seed does)
 * and families of the simulator's synthetic population (nomNaissance SYNTH…), for campaign tests.
 */

export const campaignTestKey = crypto.randomBytes(32);

export async function createCommuneWithToken(
  db: Database,
  input: { name: string; siret: string; codeCog: string; token: string },
) {
  const [commune] = await db
    .insert(collectivities)
    .values({ name: input.name, siret: input.siret, codeCog: input.codeCog, departement: input.codeCog.slice(0, 2) })
    .returning();
  await db.insert(collectivitySettings).values({
    collectivityId: commune!.id,
    apiParticulierTokenEncrypted: sealSettingsSecret(
      campaignTestKey,
      commune!.id,
      "api_particulier_token",
      input.token,
    ),
  });
  return commune!;
}

/** SYNTH00001… with a stable identity; the simulator's identity key is `NAME|GIVEN NAMES|BIRTHDATE|SEX`. */
export function synthIdentity(index: number) {
  const familyName = `SYNTH${String(index).padStart(5, "0")}`;
  const givenNames = index % 2 === 0 ? "Marie Claire" : "Jean";
  const gender = index % 2 === 0 ? ("female" as const) : ("male" as const);
  const birthdate = `19${50 + (index % 40)}-${String((index % 12) + 1).padStart(2, "0")}-${String((index % 28) + 1).padStart(2, "0")}`;
  const simulatorKey = `${familyName}|${givenNames.toUpperCase()}|${birthdate}|${gender === "female" ? "F" : "M"}`;
  return { familyName, givenNames, gender, birthdate, simulatorKey };
}

/** Inserts `count` synthetic families in one statement; returns their ids with simulator keys. */
export async function insertSynthFamilies(db: Database, collectivityId: string, count: number, firstIndex = 1) {
  const rows = Array.from({ length: count }, (_, i) => {
    const identity = synthIdentity(firstIndex + i);
    return {
      collectivityId,
      identityKey: crypto.createHash("sha256").update(identity.simulatorKey).digest("hex"),
      familyName: identity.familyName,
      givenNames: identity.givenNames,
      gender: identity.gender,
      birthdate: identity.birthdate,
      birthplace: "75107",
      birthcountry: "99100",
      searchText: identity.familyName.toLowerCase(),
      status: "done" as const,
    };
  });
  const inserted = await db
    .insert(families)
    .values(rows)
    .returning({ id: families.id, familyName: families.familyName });
  return inserted.map((row, i) => ({ id: row.id, simulatorKey: synthIdentity(firstIndex + i).simulatorKey }));
}

export interface SimulatorStats {
  totals: { calls: number; maxPerSecond: number; byStatus: Record<string, number> };
  tokens: Record<
    string,
    {
      total: number;
      maxPerSecond: number;
      banned: boolean;
      byStatus: Record<string, number>;
      /** The densest sliding second: arrivals a with first ≤ a < first + 1000 ms, refused ones included. */
      densestWindow?: { count: number; startAt: string | null };
      /** Arrivals while a Retry-After of the token ran: each bans the token (there is no grace). */
      callsDuringRetryAfter?: number;
      /** The last 100 of those arrivals. */
      retryAfterViolations?: Array<{ at: string; msAfter429: number; retryAfterEndsAt: string }>;
      /** 429s that started a Retry-After (limit or injected), not those of a ban. */
      rateLimited?: number;
    }
  >;
  identities: Record<string, { calls: number; byStatus: Record<string, number> }>;
}

export async function apiParticulierStats(simulatorUrl: string): Promise<SimulatorStats> {
  const response = await fetch(`${simulatorUrl}/__admin/apiParticulier/stats`);
  return (await response.json()) as SimulatorStats;
}

export async function apiParticulierAdmin(simulatorUrl: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${simulatorUrl}/__admin/apiParticulier${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status}`);
}

/** Calls that got a provider answer (200 or 404): never more than one per family per campaign. */
export const providerAnswers = (byStatus: Record<string, number>) => (byStatus["200"] ?? 0) + (byStatus["404"] ?? 0);
