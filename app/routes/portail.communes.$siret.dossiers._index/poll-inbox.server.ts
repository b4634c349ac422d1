import type { Database } from "../../../db/client.ts";
import { recordAudit } from "~/audit/audit.server";
import { getConfig } from "~/config.server";
import { formatTime } from "~/domain/paris-time";
import type { Flash } from "~/http/flash";
import {
  hubeeInboxSettings,
  ingestCommuneOnDemand,
  type HubeeInboxSettings,
} from "~/portal/hubee-reception/hubee-inboxes.server";

/** What "Relever maintenant" says when it could not read the inbox; `settingsLink` for the HubEE settings. */
export type PollProblem = { level: "warning" | "error"; message: string; settingsLink?: boolean };

/**
 * "Relever maintenant": reads the commune's HubEE inbox now. A relevé that ran (or one already
 * running, or one that ended moments ago) ends in a flash message on the list it refreshed; one
 * that could not run is a problem shown on the page as it is, with what to do. Only a relevé that
 * really ran is journaled: repeated clicks must not fill the journal.
 */
export async function pollInboxNow(
  db: Database,
  input: { agentId: string; collectivityId: string; isAdmin: boolean; requestId: string | null | undefined },
  settings: HubeeInboxSettings = hubeeInboxSettings(getConfig()),
): Promise<{ flash: Flash } | { problem: PollProblem }> {
  const result = await ingestCommuneOnDemand(db, input.collectivityId, settings);
  if (result.status === "done" || result.status === "failed")
    await recordAudit(db, {
      actor: input.agentId,
      collectivityId: input.collectivityId,
      action: "inbox.polled",
      targetType: "collectivity",
      targetId: input.collectivityId,
      requestId: input.requestId,
      details: { trigger: "agent", status: result.status, ...(result.status === "done" ? result.counts : {}) },
    });
  switch (result.status) {
    case "done": {
      const { cases, errors, failed } = result.counts;
      const parts = [
        cases === 0
          ? "Aucun nouveau dossier."
          : cases === 1
            ? "1 nouveau dossier reçu."
            : `${cases} nouveaux dossiers reçus.`,
      ];
      if (errors > 0) parts.push(`${errors} télédossier(s) illisible(s), visibles dans l’onglet « Erreurs ».`);
      if (failed > 0) parts.push(`${failed} télédossier(s) n’ont pas pu être lus : nouvel essai au prochain relevé.`);
      return { flash: { level: failed > 0 ? "warning" : "success", message: parts.join(" ") } };
    }
    case "recent":
      return {
        flash: {
          level: "info",
          message: `La boîte HubEE de la commune vient d’être relevée (à ${formatTime(result.finishedAt)}) : les dossiers reçus sont dans la liste. Vous pourrez relever de nouveau dans quelques secondes.`,
        },
      };
    case "busy":
      return {
        flash: {
          level: "info",
          message:
            "Un relevé est déjà en cours pour la commune ; un autre suivra aussitôt, pour les dossiers arrivés entre-temps : actualisez la page dans quelques secondes.",
        },
      };
    case "not_configured":
      return {
        problem: {
          level: "warning",
          message: "Les identifiants HubEE de la commune ne sont pas encore configurés.",
          settingsLink: input.isAdmin,
        },
      };
    case "failed":
      return { problem: { level: "error", message: result.error } };
  }
}
