import { FRANCE_COG, type PivotIdentity } from "~/domain/pivot-identity";
import {
  EMPTY_LOOKUP_VALUES,
  LOOKUP_FIELDS,
  type LookupErrors,
  type LookupField,
  type LookupValues,
} from "./lookup-fields";
import {
  COMMUNE_TYPE_LABELS,
  communeOptionLabel,
  resolveBirthCommune,
  resolveBirthCountry,
  type BirthCommune,
} from "./birthplace.server";

/**
 * The QF lookup form: what the agent typed, checked field by field with French messages, and
 * turned into a pivot identity (birth commune and country resolved to INSEE codes by name).
 */

export type ParsedLookup =
  | {
      ok: true;
      values: LookupValues;
      identity: PivotIdentity;
      usageName: string | null;
      /** How the birthplace is sent, for the audit trail (no personal data). */
      birthplaceOption: "commune_code" | "former_commune" | "abroad";
    }
  | {
      ok: false;
      values: LookupValues;
      errors: LookupErrors;
      /** Several communes bear the typed name: radio buttons to pick one. */
      communeChoices: BirthCommune[];
      /** No commune of that name: close names, and the former-commune option. */
      communeSuggestions: BirthCommune[];
      offerFormerCommune: boolean;
    };

/** API Particulier accepts letters (accents included), spaces, apostrophes and hyphens in names. */
const NAME_CHARACTERS = /^[\p{L}' -]+$/u;
const MAX_NAME_LENGTH = 100;
/** Former départements included (Seine 75, Seine-et-Oise 78…): 2 digits, 2A/2B, or 3 for overseas. */
const DEPARTEMENT_FORMAT = /^([0-9]{2}|2[AB]|9[78][0-9])$/;

/** Typographic apostrophes and repeated spaces, as pasted from documents. */
const cleanName = (text: string) =>
  text
    .replace(/[’‘`´]/g, "'")
    .replace(/\s+/g, " ")
    .trim();

function checkName(value: string, what: string, required: boolean): string | null {
  if (!value) return required ? `Saisissez ${what}.` : null;
  if (value.length > MAX_NAME_LENGTH) return `${capitalise(what)} ne doit pas dépasser ${MAX_NAME_LENGTH} caractères.`;
  if (!NAME_CHARACTERS.test(value)) {
    return `${capitalise(what)} ne peut contenir que des lettres, des espaces, des apostrophes et des traits d’union.`;
  }
  return null;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function readValues(form: FormData): LookupValues {
  const values = { ...EMPTY_LOOKUP_VALUES, paysNaissance: "" };
  for (const field of LOOKUP_FIELDS) {
    const raw = form.get(field);
    values[field] = typeof raw === "string" ? raw.trim().slice(0, 300) : "";
  }
  return values;
}

/** Checks the birth date parts; the date as the API's pivot identity writes it (YYYY-MM-00, YYYY-00-00). */
function checkBirthdate(values: LookupValues, errors: LookupErrors, now: Date): string | null {
  const { jourNaissance: dayText, moisNaissance: monthText, anneeNaissance: yearText } = values;
  const currentYear = now.getFullYear();
  let year: number | null = null;
  if (!yearText) errors.anneeNaissance = "Saisissez l’année de naissance (4 chiffres), même si le jour est inconnu.";
  else if (!/^[0-9]{4}$/.test(yearText))
    errors.anneeNaissance = "L’année de naissance s’écrit avec 4 chiffres, par exemple 1984.";
  else if (Number(yearText) < 1900 || Number(yearText) > currentYear) {
    errors.anneeNaissance = `L’année de naissance doit être comprise entre 1900 et ${currentYear}.`;
  } else year = Number(yearText);

  let month: number | null = null;
  if (monthText) {
    if (!/^[0-9]{1,2}$/.test(monthText) || Number(monthText) < 1 || Number(monthText) > 12) {
      errors.moisNaissance = "Le mois de naissance est un nombre entre 1 et 12.";
    } else month = Number(monthText);
  }

  let day: number | null = null;
  if (dayText) {
    if (!/^[0-9]{1,2}$/.test(dayText) || Number(dayText) < 1 || Number(dayText) > 31) {
      errors.jourNaissance = "Le jour de naissance est un nombre entre 1 et 31.";
    } else if (!monthText) {
      errors.moisNaissance = "Saisissez aussi le mois de naissance : un jour sans mois ne peut pas être utilisé.";
    } else day = Number(dayText);
  }
  if (year === null || errors.moisNaissance || errors.jourNaissance) return null;

  if (month !== null && day !== null) {
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCMonth() !== month - 1) {
      errors.jourNaissance = "Cette date n’existe pas : vérifiez le jour et le mois.";
      return null;
    }
    if (date.getTime() > now.getTime()) {
      errors.jourNaissance = "La date de naissance ne peut pas être dans le futur.";
      return null;
    }
  } else if (month !== null && year === currentYear && month > now.getMonth() + 1) {
    errors.moisNaissance = "La date de naissance ne peut pas être dans le futur.";
    return null;
  }
  const pad = (n: number | null) => String(n ?? 0).padStart(2, "0");
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** Reads and checks the form; resolves the birth country and commune by name. */
export function parseLookupForm(form: FormData, now = new Date()): ParsedLookup {
  const values = readValues(form);
  const errors: LookupErrors = {};
  let communeChoices: BirthCommune[] = [];
  let communeSuggestions: BirthCommune[] = [];
  let offerFormerCommune = false;

  const birthName = cleanName(values.nomNaissance);
  const birthNameError = checkName(birthName, "le nom de naissance", true);
  if (birthNameError) errors.nomNaissance = birthNameError;
  const usageName = cleanName(values.nomUsage);
  const usageNameError = checkName(usageName, "le nom d’usage", false);
  if (usageNameError) errors.nomUsage = usageNameError;

  const givenNames: string[] = [];
  (["prenom1", "prenom2", "prenom3"] as const).forEach((field, i) => {
    const value = cleanName(values[field]);
    const error = checkName(value, i === 0 ? "le premier prénom" : "ce prénom", i === 0);
    if (error) errors[field] = error;
    else if (value) givenNames.push(value);
  });

  if (values.sexe !== "F" && values.sexe !== "M") errors.sexe = "Indiquez le sexe inscrit à l’état civil.";

  const birthdate = checkBirthdate(values, errors, now);

  let birthcountry: string | null = null;
  let birthplace: string | null = null;
  let formerBirthplace: PivotIdentity["formerBirthplace"] = null;
  if (!values.paysNaissance) errors.paysNaissance = "Saisissez le pays de naissance, par exemple France.";
  else {
    const country = resolveBirthCountry(values.paysNaissance);
    if (!country) {
      errors.paysNaissance =
        "Pays inconnu : choisissez le pays de naissance dans la liste (par exemple France, Maroc).";
    } else {
      birthcountry = country.code;
      values.paysNaissance = country.label;
    }
  }

  if (birthcountry === FRANCE_COG) {
    const communeName = cleanName(values.communeNaissance);
    if (values.ancienneCommune === "1") {
      // API Particulier's option 2: the name as it was, its département, and the birth year.
      const nameError = checkName(communeName, "le nom de la commune de naissance", true);
      if (nameError) errors.communeNaissance = nameError;
      const departement = values.departementNaissance.toUpperCase();
      if (!departement) {
        errors.departementNaissance = "Saisissez le code du département de naissance, par exemple 49 ou 2A.";
      } else if (!DEPARTEMENT_FORMAT.test(departement)) {
        errors.departementNaissance =
          "Le code du département s’écrit avec 2 ou 3 caractères, par exemple 49, 2A ou 971.";
      } else if (!nameError) formerBirthplace = { name: communeName, departement };
      offerFormerCommune = true;
    } else if (!communeName) {
      errors.communeNaissance = "Saisissez la commune de naissance (née ou né en France).";
    } else {
      const resolution = resolveBirthCommune(communeName, values.communeCode || null);
      if (resolution.kind === "found") {
        birthplace = resolution.commune.code;
        values.communeNaissance = communeOptionLabel(resolution.commune);
        values.communeCode = resolution.commune.code;
      } else if (resolution.kind === "ambiguous") {
        communeChoices = resolution.candidates;
        errors.communeCode = `${resolution.candidates.length} communes portent ce nom : choisissez la commune de naissance ci-dessous.`;
      } else {
        communeSuggestions = resolution.suggestions;
        offerFormerCommune = true;
        errors.communeNaissance =
          resolution.suggestions.length > 0
            ? "Aucune commune actuelle ne porte exactement ce nom : choisissez-en une ci-dessous, ou indiquez une commune qui n’existe plus."
            : "Aucune commune actuelle ne porte ce nom : vérifiez l’orthographe, ou indiquez une commune qui n’existe plus.";
      }
    }
  }

  if (Object.keys(errors).length > 0 || !birthdate || !birthcountry || (values.sexe !== "F" && values.sexe !== "M")) {
    return { ok: false, values, errors, communeChoices, communeSuggestions, offerFormerCommune };
  }
  return {
    ok: true,
    values,
    identity: {
      familyName: birthName,
      givenNames,
      gender: values.sexe === "F" ? "female" : "male",
      birthdate,
      birthplace,
      birthcountry,
      formerBirthplace,
    },
    usageName: usageName || null,
    birthplaceOption: birthcountry !== FRANCE_COG ? "abroad" : formerBirthplace ? "former_commune" : "commune_code",
  };
}

/** "Angers (49), commune" for the radio buttons of an ambiguous name. */
export const communeChoiceLabel = (commune: BirthCommune) =>
  `${communeOptionLabel(commune)} – ${COMMUNE_TYPE_LABELS[commune.type] ?? "commune"}, code INSEE ${commune.code}`;

/**
 * API Particulier's `source.parameter` on a 422, to the field the agent can fix. Parameters the
 * agent does not type (recipient) map to nothing.
 */
export const API_PARAMETER_FIELDS: Record<string, LookupField> = {
  nomNaissance: "nomNaissance",
  nomUsage: "nomUsage",
  "prenoms[]": "prenom1",
  prenoms: "prenom1",
  sexeEtatCivil: "sexe",
  anneeDateNaissance: "anneeNaissance",
  moisDateNaissance: "moisNaissance",
  jourDateNaissance: "jourNaissance",
  codeCogInseePaysNaissance: "paysNaissance",
  codeCogInseeCommuneNaissance: "communeNaissance",
  nomCommuneNaissance: "communeNaissance",
  codeCogInseeDepartementNaissance: "departementNaissance",
};
