import { eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { collectivities } from "../../db/schema/index.ts";
import { recordAudit } from "~/audit/audit.server";
import { isValidSiret } from "~/utils/siret";
import { findCommuneByCog } from "./commune-directory.server";
import { isPendingCompletion } from "./datapass-onboarding.server";

export type ManualCommuneOutcome =
  | { kind: "created" | "completed"; collectivityId: string; name: string }
  | { kind: "invalid"; errors: { siret?: string; codeCog?: string } }
  /** The SIRET is a commune already known and complete: nothing to do here. */
  | { kind: "already_complete"; name: string };

/**
 * A platform administrator completes a commune that DataPass left pending (no usable INSEE code in
 * the approval), or adds one by hand: the SIRET is checked (14 digits, Luhn), the name and the
 * département come from the INSEE code through the COG, never typed. The commune becomes active;
 * the journal of the commune records who did it.
 */
export async function completeOrCreateCommune(
  db: Database,
  input: { siret: string; codeCog: string; editor: string | null; actor: string; requestId?: string | null },
): Promise<ManualCommuneOutcome> {
  const siret = input.siret.replace(/\s+/g, "");
  const commune = findCommuneByCog(input.codeCog);
  const errors: { siret?: string; codeCog?: string } = {};
  if (!isValidSiret(siret))
    errors.siret = "Ce SIRET n’est pas valide : 14 chiffres, vérifiez-le sur l’annuaire des entreprises.";
  if (!commune) errors.codeCog = "Ce code INSEE ne correspond à aucune commune actuelle du Code officiel géographique.";
  if (errors.siret || errors.codeCog || !commune) return { kind: "invalid", errors };

  return db.transaction(async (t) => {
    const [existing] = await t.select().from(collectivities).where(eq(collectivities.siret, siret)).for("update");
    if (existing && !isPendingCompletion(existing)) return { kind: "already_complete" as const, name: existing.name };
    const identity = { name: commune.name, codeCog: commune.codeCog, departement: commune.departement };
    const editor = input.editor ? { editor: input.editor } : {};
    const [row] = existing
      ? await t
          .update(collectivities)
          .set({ ...identity, ...editor, status: "active", updatedAt: new Date() })
          .where(eq(collectivities.id, existing.id))
          .returning()
      : await t
          .insert(collectivities)
          .values({ siret, ...identity, ...editor, status: "active" })
          .returning();
    const kind = existing ? ("completed" as const) : ("created" as const);
    await recordAudit(t, {
      actor: input.actor,
      collectivityId: row!.id,
      action: existing ? "collectivity.completed" : "collectivity.created",
      targetType: "collectivity",
      targetId: row!.id,
      requestId: input.requestId,
      details: { via: "platform_admin", codeCog: commune.codeCog },
    });
    return { kind, collectivityId: row!.id, name: row!.name };
  });
}
