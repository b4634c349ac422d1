import { data } from "@remix-run/node";
import type { Database } from "../../../db/client.ts";
import { formatDateFr, formatMonthYear, formatQuotient, providerLabel } from "~/domain/format";
import type { QuotientFamilialData } from "~/domain/quotient-familial";
import { redirectWithFlash } from "~/http/flash.server";
import type { LookupErrors } from "~/portal/qf-lookup/lookup-fields";
import { API_PARAMETER_FIELDS, communeChoiceLabel, parseLookupForm } from "~/portal/qf-lookup/lookup-form.server";
import { lookupForCommune } from "~/portal/qf-lookup/lookup-for-commune.server";
import { NO_QUOTIENT_MESSAGE, outcomeMessage } from "~/portal/qf-lookup/outcome-messages";
import { openLookupResult, saveLookupAsFamily, sealLookupResult } from "~/portal/qf-lookup/save-lookup.server";
import { EMPTY_ANSWER, type Choice, type FoundPerson, type LookupAnswer } from "./lookup-answer";

/** The lookup page's two forms: "Rechercher le QF" and "Enregistrer comme dossier de la commune". */

export interface LookupContext {
  db: Database;
  collectivity: { id: string; siret: string };
  agentId: string;
  requestId: string | null;
  encryptionKey: Buffer;
}

const answer = (fields: Partial<LookupAnswer>, status = 200) =>
  data<LookupAnswer>({ ...EMPTY_ANSWER, ...fields }, { status });

type Member = NonNullable<QuotientFamilialData["allocataires"]>[number];

const person = (m: Member): FoundPerson => ({
  name: [
    m.nom_usage && m.nom_usage !== m.nom_naissance ? `${m.nom_usage} (né·e ${m.nom_naissance})` : m.nom_naissance,
    m.prenoms,
  ].join(" "),
  birthdate: formatDateFr(m.date_naissance),
});

const choice = (commune: Parameters<typeof communeChoiceLabel>[0]): Choice => ({
  code: commune.code,
  label: communeChoiceLabel(commune),
});

/**
 * A search shows its result on the page itself, not after a redirect: the QF and the family's
 * identities would otherwise have to be stored server-side or put in a URL. Nothing is saved by
 * a search; a reload asks the agent before sending the form again.
 */
export async function searchQuotient(form: FormData, ctx: LookupContext) {
  const parsed = parseLookupForm(form);
  if (!parsed.ok) {
    return answer(
      {
        values: parsed.values,
        errors: parsed.errors,
        communeChoices: parsed.communeChoices.map(choice),
        communeSuggestions: parsed.communeSuggestions.map(choice),
        offerFormerCommune: parsed.offerFormerCommune,
      },
      400,
    );
  }
  const outcome = await lookupForCommune(ctx.db, {
    collectivity: ctx.collectivity,
    agentId: ctx.agentId,
    requestId: ctx.requestId,
    identity: parsed.identity,
    usageName: parsed.usageName,
    birthplaceOption: parsed.birthplaceOption,
  });
  const values = parsed.values;
  if (outcome.kind !== "ok") {
    const errors: LookupErrors = {};
    if (outcome.kind === "invalid_request") {
      for (const parameter of outcome.parameters) {
        const field = API_PARAMETER_FIELDS[parameter];
        if (field) errors[field] = "API Particulier n’accepte pas cette valeur : vérifiez-la.";
      }
    }
    const status = outcome.kind === "not_found" ? 200 : outcome.kind === "invalid_request" ? 422 : 503;
    return answer(
      {
        values,
        errors,
        message: outcomeMessage(outcome),
        offerFormerCommune: outcome.kind === "not_found" && parsed.birthplaceOption !== "abroad",
      },
      outcome.kind.endsWith("rate_limited") ? 429 : status,
    );
  }
  const qf = outcome.data.quotient_familial;
  if (!qf) return answer({ values, message: NO_QUOTIENT_MESSAGE });
  const owner = { collectivityId: ctx.collectivity.id, agentId: ctx.agentId };
  return answer({
    values,
    found: {
      value: formatQuotient(qf.valeur),
      period: formatMonthYear(qf.mois, qf.annee),
      provider: providerLabel(qf.fournisseur),
      allocataires: (outcome.data.allocataires ?? []).map(person),
      enfants: (outcome.data.enfants ?? []).map(person),
    },
    sealed: sealLookupResult(ctx.encryptionKey, owner, { identity: parsed.identity, data: outcome.data }),
  });
}

/** The query parameter naming the file just saved, for the flash message's link. */
export const SAVED_FAMILY_PARAM = "dossier";

/**
 * Saves the sealed answer, then back to an empty lookup form (Post/Redirect/Get) that says where
 * the QF went and links to the file.
 */
export async function saveLookup(form: FormData, pagePath: string, ctx: LookupContext) {
  const sealed = form.get("resultat");
  const owner = { collectivityId: ctx.collectivity.id, agentId: ctx.agentId };
  const result = typeof sealed === "string" ? openLookupResult(ctx.encryptionKey, owner, sealed) : null;
  if (!result) {
    return answer(
      {
        message: {
          level: "error",
          title: "Ce résultat ne peut plus être enregistré",
          description: "Le résultat date de plus de 30 minutes ou n’a pas été obtenu par vous : relancez la recherche.",
        },
      },
      400,
    );
  }
  const saved = await saveLookupAsFamily(ctx.db, { ...owner, requestId: ctx.requestId, result });
  if (!saved) return answer({ message: NO_QUOTIENT_MESSAGE }, 400);
  return redirectWithFlash(`${pagePath}?${SAVED_FAMILY_PARAM}=${saved.familyId}`, {
    level: "success",
    message: saved.alreadySaved
      ? "Ce résultat était déjà enregistré : le dossier famille n’a pas changé."
      : saved.isNew
        ? "Dossier famille créé : le quotient familial est enregistré dans un nouveau dossier de la commune ; il sera mis à jour par les prochaines campagnes annuelles."
        : "QF ajouté au dossier famille existant : cette personne avait déjà un dossier dans la commune ; le quotient familial a été ajouté à son historique.",
  });
}
