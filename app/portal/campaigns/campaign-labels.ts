import { formatMonthYear } from "~/domain/format";
import type { CampaignItemStatus, CampaignScope, CampaignStatus } from "../../../db/schema/campaigns.ts";

/*
 * Not a .server module: the campaign pages render these labels in the browser too.
 */

export const CAMPAIGN_STATUS_LABELS: Record<CampaignStatus, string> = {
  pending: "En attente",
  running: "En cours",
  paused: "Suspendue",
  stopped: "Arrêtée",
  done: "Terminée",
};

export const CAMPAIGN_SCOPE_LABELS: Record<CampaignScope, string> = {
  all: "Tous les dossiers",
  search: "Résultats d’une recherche",
  selection: "Dossiers sélectionnés",
};

/** The report's lists, in the order the agent reads them. */
export const REPORT_LISTS = ["updated", "unchanged", "not_found", "rejected", "failed"] as const;
export type ReportList = (typeof REPORT_LISTS)[number];

export const ITEM_STATUS_LABELS: Record<CampaignItemStatus, string> = {
  pending: "À traiter",
  in_progress: "En cours",
  updated: "QF modifié",
  unchanged: "QF inchangé",
  not_found: "QF introuvable",
  rejected: "Identité refusée",
  failed: "En échec",
};

/** What each list means, for the agent who has to act on it. */
export const REPORT_LIST_HINTS: Record<ReportList, string> = {
  updated: "Le quotient familial a changé : il est enregistré dans le dossier.",
  unchanged: "Le quotient familial est le même qu’avant.",
  not_found:
    "La CAF et la MSA ne connaissent pas de quotient familial pour cette identité et cette période (réponse 404). Le dossier garde son dernier QF connu.",
  rejected:
    "API Particulier a refusé l’identité du dossier (réponse 422) : vérifiez l’état civil transmis par la famille.",
  failed: "Le service n’a pas répondu malgré plusieurs essais. Vous pouvez relancer ces dossiers.",
};

export const STOP_REASON_LABELS: Record<string, string> = {
  agent: "arrêtée par un agent",
  token_unauthorized: "arrêtée : le jeton API Particulier de la commune a été refusé",
  token_missing: "arrêtée : aucun jeton API Particulier n’est enregistré pour la commune",
};

export const ALERT_LABELS: Record<string, string> = {
  token_unauthorized:
    "API Particulier a refusé le jeton de la commune (expiré, révoqué ou sans l’habilitation « quotient familial »). La mise à jour des QF a été arrêtée.",
  token_missing: "Aucun jeton API Particulier n’est enregistré pour la commune : la mise à jour des QF a été arrêtée.",
};

export { MONTH_NAMES_FR as MONTHS } from "~/domain/format";

/** "janvier 2027": a campaign's QF period, year first as the campaigns store it. */
export const formatPeriod = (annee: number, mois: number) => formatMonthYear(mois, annee);
