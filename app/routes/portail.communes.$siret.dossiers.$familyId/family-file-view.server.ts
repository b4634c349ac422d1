import type { Database } from "../../../db/client.ts";
import type { FamilyMember } from "../../../db/schema/index.ts";
import { ageFromBirthdate, formatAge } from "~/domain/family-age";
import { formatDateFr, formatMonthYear, formatQuotient, genderLabel } from "~/domain/format";
import { formatDate, formatDateTime, parisToday } from "~/domain/paris-time";
import { FRANCE_COG } from "~/domain/pivot-identity";
import { describeBirthplace } from "~/geo/insee-cog.server";
import { latestUnsuccessfulCampaignOutcome } from "~/portal/campaigns/family-campaign-outcome.server";
import { parseInboxQuery } from "~/portal/dossiers/dossier-list-query";
import { inboxNeighbours } from "~/portal/dossiers/dossier-list-query.server";
import { loadFamilyFile, type FamilyFile } from "~/portal/family-files/family-file.server";
import { CONFIRMATION_PARAM, CONFIRMATION_VALUE } from "~/portal/family-files/family-status";
import { bracketFor, formatBracketRange } from "~/portal/settings/tariff-brackets";
import { loadTariffBrackets } from "~/portal/settings/tariff-brackets.server";
import { familyPrices } from "~/domain/pricing/family-prices";
import { loadTariffServices } from "~/portal/tariffs/tariffs.server";
import { backQuery } from "./family-file-links";

/**
 * The family file page's data: the stored file put in words for agents (labels, French dates,
 * the HubEE timeline), plus where the agent came from and can go next. Only text and numbers:
 * what the page shows is decided here, not in the components.
 */

const QF_SOURCE_LABELS = {
  transmission: "Transmission",
  yearly_update: "Mise à jour annuelle",
  manual_lookup: "Recherche manuelle",
};
const HUBEE_STATUS_LABELS: Record<string, string> = {
  SI_RECEIVED: "Reçu par la commune",
  SI_INTG_ERROR: "Erreur d’intégration",
  IN_PROGRESS: "Pris en charge",
  DONE: "Traité",
  REFUSED: "Refusé",
  CLOSED: "Clôturé",
};
const providerShort = (provider: "CNAF" | "MSA" | null) => (provider === "MSA" ? "MSA" : "CAF");

/**
 * Where the person was born, by name with the INSEE code agents may need to key it elsewhere;
 * a former commune (absent from the COG file) as the name and département it was saved with.
 */
function birthplaceLabel(family: {
  birthplace: string | null;
  birthcountry: string | null;
  birthplaceName: string | null;
  birthDepartement: string | null;
}): string | null {
  if (family.birthplace)
    return `${describeBirthplace(family.birthplace, FRANCE_COG)} — code INSEE ${family.birthplace}`;
  if (family.birthplaceName) return `${family.birthplaceName} (${family.birthDepartement ?? "?"}), ancienne commune`;
  if (!family.birthcountry) return null;
  return family.birthcountry === FRANCE_COG ? "France" : describeBirthplace(null, family.birthcountry);
}

const memberOf = (now: Date) => (m: FamilyMember) => ({
  name: [
    m.nom_usage && m.nom_usage !== m.nom_naissance
      ? `${m.nom_usage} (nom de naissance : ${m.nom_naissance})`
      : m.nom_naissance,
    m.prenoms,
  ].join(" "),
  birthdate: formatDateFr(m.date_naissance),
  age: formatAge(ageFromBirthdate(m.date_naissance, now)),
  sex: m.sexe === "F" ? "Féminin" : "Masculin",
});

/** Receptions and agents' status changes, oldest first. */
function timelineOf(file: FamilyFile) {
  return [
    ...file.cases.map((c) => ({
      key: `case-${c.id}`,
      at: c.receivedAt.getTime(),
      when: formatDateTime(c.receivedAt),
      label: c.ingestionError ? "Télédossier reçu, illisible" : "Télédossier reçu",
      detail: c.reference ? `Référence ${c.reference}` : null,
      status: HUBEE_STATUS_LABELS[c.hubeeStatus] ?? c.hubeeStatus,
    })),
    ...file.changes.map((c) => ({
      key: `change-${c.id}`,
      at: c.createdAt.getTime(),
      when: formatDateTime(c.createdAt),
      label: HUBEE_STATUS_LABELS[c.toStatus] ?? c.toStatus,
      detail: `${[c.agentGivenName, c.agentUsualName].filter(Boolean).join(" ") || "Agent"} : « ${c.message} »`,
      status: c.toStatus,
    })),
  ].sort((a, b) => a.at - b.at);
}

/** The family file of the commune, as the page shows it; null when the commune has no such file. */
export async function loadFamilyFileView(
  db: Database,
  input: {
    collectivity: { id: string; name: string; siret: string };
    familyId: string;
    canErase: boolean;
    url: URL;
  },
) {
  const { collectivity, url } = input;
  const file = await loadFamilyFile(db, collectivity.id, input.familyId);
  if (!file) return null;
  const { family } = file;
  const retour = backQuery(url);
  const [neighbours, brackets, campaignOutcome, services] = await Promise.all([
    inboxNeighbours(db, collectivity.id, parseInboxQuery(new URLSearchParams(retour)), family.id),
    loadTariffBrackets(db, collectivity.id),
    latestUnsuccessfulCampaignOutcome(db, collectivity.id, family.id),
    loadTariffServices(db, collectivity.id),
  ]);
  // History is newest first: the previous QF is the latest recorded value that differs from today's.
  const previousQf = file.history.find((h) => h.value !== family.qfValue)?.value;
  const bracket = bracketFor(family.qfValue, brackets);
  const member = memberOf(new Date());
  return {
    commune: { name: collectivity.name, siret: collectivity.siret },
    retour,
    neighbours,
    // « Traité » leads here first; only a file still in progress can be closed.
    confirming: url.searchParams.get(CONFIRMATION_PARAM) === CONFIRMATION_VALUE && family.status === "in_progress",
    canErase: input.canErase,
    // A 404, 422 or failure of the last campaign: nothing was deleted, but the agent is told.
    campaignOutcome: campaignOutcome
      ? {
          status: campaignOutcome.status,
          message: campaignOutcome.message,
          href: `/portail/communes/${collectivity.siret}/campagnes/${campaignOutcome.campaignId}?liste=${campaignOutcome.status}`,
        }
      : null,
    family: {
      id: family.id,
      name: [family.familyName, family.givenNames].filter(Boolean).join(" ") || "Identité illisible",
      familyName: family.familyName,
      givenNames: family.givenNames,
      gender: family.gender ? genderLabel(family.gender) : null,
      birthdate: family.birthdate ? formatDateFr(family.birthdate) : null,
      birthplace: birthplaceLabel(family),
      status: family.status,
      ingestionError: family.ingestionError,
      externalId: family.externalId,
      receivedOn: formatDate(family.receivedAt),
      qf:
        family.qfValue !== null
          ? {
              value: formatQuotient(family.qfValue),
              period: family.qfMois && family.qfAnnee ? formatMonthYear(family.qfMois, family.qfAnnee) : null,
              provider: providerShort(family.qfProvider),
              bracket: bracket ? { label: bracket.label, range: formatBracketRange(bracket) } : null,
            }
          : null,
      allocataires: family.members.allocataires.map(member),
      enfants: family.members.enfants.map(member),
      address: family.address
        ? [
            family.address.destinataire,
            family.address.complement_information,
            family.address.complement_information_geographique,
            family.address.numero_libelle_voie,
            family.address.lieu_dit,
            family.address.code_postal_ville,
            family.address.pays,
          ].filter((line): line is string => Boolean(line))
        : null,
    },
    prices: familyPrices(services, {
      qf: family.qfValue,
      previousQf: family.qfValue === null ? undefined : previousQf,
      children: family.members.enfants.length,
      day: parisToday(),
    }),
    history: file.history.map((h) => ({
      id: h.id,
      year: h.annee,
      period: formatMonthYear(h.mois, h.annee),
      value: formatQuotient(h.value),
      provider: providerShort(h.provider),
      source: QF_SOURCE_LABELS[h.source],
    })),
    attachments: file.attachments.map((a) => ({
      id: a.id,
      fileName: a.fileName,
      size: a.size,
      type: a.mimeType,
      digestVerified: a.digestVerified,
    })),
    timeline: timelineOf(file),
    annotation: file.annotation
      ? { body: file.annotation.body, updatedAt: formatDateTime(file.annotation.updatedAt) }
      : null,
  };
}

export type FamilyFileView = NonNullable<Awaited<ReturnType<typeof loadFamilyFileView>>>;
