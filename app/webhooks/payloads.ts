import type { PivotIdentity } from "~/domain/pivot-identity";
import type { AnyWebhookEventType, WebhookEventType } from "./event-types";
import { WEBHOOK_PAYLOAD_VERSION } from "./event-schemas";

/**
 * The `data` of each event, as the JSON Schemas of event-schemas.ts describe them (French keys,
 * like API Particulier's). Pure builders: the emitting code passes what it has at hand.
 */

export interface QuotientFamilialData {
  valeur: number;
  annee: number;
  mois: number;
  fournisseur: "CNAF" | "MSA";
}

export interface DossierRecuData {
  dossier_id: string;
  teledossier_hubee_id: string;
  reference: string | null;
  numero_dossier_commune: string | null;
  statut: "recu" | "erreur";
  nouvelle_famille: boolean;
  recu_le: string;
  identite: {
    nom_naissance: string;
    prenoms: string;
    sexe: "F" | "M";
    date_naissance: string;
    code_lieu_naissance: string | null;
    code_pays_naissance: string;
  } | null;
  quotient_familial: QuotientFamilialData | null;
  nombre_enfants: number;
}

export interface QfMisAJourData {
  dossier_id: string;
  ancienne_valeur: number | null;
  nouveau: QuotientFamilialData;
  origine: "transmission" | "mise_a_jour_annuelle" | "recherche_manuelle";
  campagne_id: string | null;
}

export interface CampagneTermineeData {
  campagne_id: string;
  annee: number;
  mois: number;
  declenchement: "planifie" | "agent";
  termine_le: string;
  /** Optional for events written before the field existed (absent = "terminee"). */
  statut?: "terminee" | "arretee";
  motif_arret?: CampaignStopMotif | null;
  total: number;
  resultats: { mis_a_jour: number; inchanges: number; introuvables: number; rejetes: number; en_echec: number };
}

export type CampaignStopMotif = "agent" | "jeton_refuse" | "jeton_absent";

export interface TestPingData {
  point_de_terminaison_id: string;
  message: string;
}

export interface WebhookDataByType {
  "dossier.recu": DossierRecuData;
  "qf.mis_a_jour": QfMisAJourData;
  "campagne.terminee": CampagneTermineeData;
  "test.ping": TestPingData;
}

export interface WebhookPayload<T extends AnyWebhookEventType = AnyWebhookEventType> {
  version: typeof WEBHOOK_PAYLOAD_VERSION;
  id: string;
  type: T;
  cree_le: string;
  commune: { siret: string; code_cog: string | null };
  data: WebhookDataByType[T];
}

export type EventInput = { [T in WebhookEventType]: { type: T; data: WebhookDataByType[T] } }[WebhookEventType];

export function identiteOf(identity: PivotIdentity): NonNullable<DossierRecuData["identite"]> {
  return {
    nom_naissance: identity.familyName,
    prenoms: identity.givenNames.join(" "),
    sexe: identity.gender === "female" ? "F" : "M",
    date_naissance: identity.birthdate,
    code_lieu_naissance: identity.birthplace,
    code_pays_naissance: identity.birthcountry,
  };
}

/** Item statuses of a campaign (qf_campaigns.counts) to the payload's French result names. */
export function campaignResults(counts: Partial<Record<string, number>> | null): CampagneTermineeData["resultats"] {
  const n = (status: string) => counts?.[status] ?? 0;
  return {
    mis_a_jour: n("updated"),
    inchanges: n("unchanged"),
    introuvables: n("not_found"),
    rejetes: n("rejected"),
    en_echec: n("failed"),
  };
}

/** qf_campaigns.stop_reason to the payload's French motive (an unknown reason is reported as an agent stop). */
export function campaignStopMotif(stopReason: string | null): CampaignStopMotif | null {
  if (stopReason === null) return null;
  if (stopReason === "token_unauthorized") return "jeton_refuse";
  if (stopReason === "token_missing") return "jeton_absent";
  return "agent";
}

/** The data of campagne.terminee for a campaign that just ended (done or stopped), from its row. */
export function campagneTermineeData(campaign: {
  id: string;
  annee: number;
  mois: number;
  trigger: "cron" | "agent";
  status: "done" | "stopped";
  stopReason: string | null;
  totalCount: number;
  finishedAt: Date | string;
  counts: Partial<Record<string, number>> | null;
}): CampagneTermineeData {
  return {
    campagne_id: campaign.id,
    annee: campaign.annee,
    mois: campaign.mois,
    declenchement: campaign.trigger === "cron" ? "planifie" : "agent",
    termine_le: new Date(campaign.finishedAt).toISOString(),
    statut: campaign.status === "done" ? "terminee" : "arretee",
    motif_arret: campaign.status === "done" ? null : campaignStopMotif(campaign.stopReason),
    total: campaign.totalCount,
    resultats: campaignResults(campaign.counts),
  };
}
