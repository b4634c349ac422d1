import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../../db/client.ts";
import { formatPeriod } from "./campaign-labels";

/**
 * The family file's side of the campaigns: a 404, a refused identity or a failure deletes
 * nothing (the family keeps its last known QF), but the agent must see it on the file, not only
 * in the campaign's report. This reads the family's latest campaign result and, when it is not a
 * success, says what happened in French with the campaign to go to.
 */

export type UnsuccessfulItemStatus = "not_found" | "rejected" | "failed";

export interface FamilyCampaignOutcome {
  campaignId: string;
  status: UnsuccessfulItemStatus;
  annee: number;
  mois: number;
  errorCode: string | null;
  attempts: number;
  finishedAt: Date;
  /** Whether the family file has a current QF (kept from before). */
  hasQf: boolean;
  /** "Mise à jour de janvier 2027 : QF introuvable auprès de la CAF/MSA (404), le QF précédent est conservé." */
  message: string;
}

type Row = {
  campaign_id: string;
  status: string;
  annee: number;
  mois: number;
  error_code: string | null;
  attempts: number;
  finished_at: string | Date;
  has_qf: boolean;
  newer_qf: boolean;
};

/** The technical reason of a failure, in words (codes come from the worker, never personal). */
function failureReason(errorCode: string | null): string {
  if (errorCode === null) return "erreur du service";
  if (errorCode === "timeout") return "pas de réponse dans le délai";
  if (errorCode === "429") return "limite de débit d’API Particulier (429)";
  if (errorCode === "no_quotient_familial") return "réponse sans quotient familial : habilitation du jeton à vérifier";
  const invalid = /^invalid_response_(\d{3})$/.exec(errorCode);
  if (invalid) return `réponse illisible (${invalid[1]})`;
  if (/^\d{3}$/.test(errorCode)) return `erreur ${errorCode}`;
  return `code ${errorCode}`;
}

export function describeCampaignOutcome(outcome: Omit<FamilyCampaignOutcome, "message">): string {
  const period = `Mise à jour de ${formatPeriod(outcome.annee, outcome.mois)}`;
  const kept = outcome.hasQf ? "le QF précédent est conservé" : "aucun QF n’est connu pour ce dossier";
  switch (outcome.status) {
    case "not_found":
      return `${period} : QF introuvable auprès de la CAF/MSA (404), ${kept}.`;
    case "rejected":
      return outcome.errorCode === "identity_incomplete"
        ? `${period} : identité du dossier incomplète, API Particulier n’a pas été interrogée ; ${kept}.`
        : `${period} : identité refusée par API Particulier (422), vérifiez l’état civil du dossier ; ${kept}.`;
    case "failed": {
      const tries = `${outcome.attempts} essai${outcome.attempts > 1 ? "s" : ""}`;
      return `${period} : échec après ${tries} (${failureReason(outcome.errorCode)}), ${kept}.`;
    }
  }
}

/**
 * The family's latest campaign result (the item that finished last, in a campaign of the
 * commune) when it is a 404, a 422 or a failure; null when it was a success, when the family was
 * never in a campaign, or when a newer QF was recorded since (a transmission or a lookup).
 */
export async function latestUnsuccessfulCampaignOutcome(
  db: Database,
  collectivityId: string,
  familyId: string,
): Promise<FamilyCampaignOutcome | null> {
  const [row] = await queryRows<Row>(
    db,
    sql`select i.campaign_id, i.status, c.annee, c.mois, i.error_code, i.attempts, i.finished_at,
               f.qf_value is not null as has_qf,
               exists (select 1 from qf_history h
                       where h.family_id = i.family_id and h.recorded_at > i.finished_at) as newer_qf
        from qf_campaign_items i
        join qf_campaigns c on c.id = i.campaign_id and c.collectivity_id = ${collectivityId}::uuid
        join families f on f.id = i.family_id
        where i.family_id = ${familyId}::uuid and i.finished_at is not null
          and i.status in ('updated', 'unchanged', 'not_found', 'rejected', 'failed')
        order by i.finished_at desc, c.created_at desc
        limit 1`,
  );
  if (!row || row.newer_qf) return null;
  if (row.status !== "not_found" && row.status !== "rejected" && row.status !== "failed") return null;
  const outcome = {
    campaignId: row.campaign_id,
    status: row.status,
    annee: Number(row.annee),
    mois: Number(row.mois),
    errorCode: row.error_code,
    attempts: Number(row.attempts),
    finishedAt: new Date(row.finished_at),
    hasQf: row.has_qf === true,
  } satisfies Omit<FamilyCampaignOutcome, "message">;
  return { ...outcome, message: describeCampaignOutcome(outcome) };
}
