import { formulaireQfDocument } from "~/formulaire-qf/document";
import { EXAMPLE_SHIPMENT } from "./example-shipment";
import { MAX_EXTERNAL_ID_LENGTH } from "~/domain/external-id";

/**
 * JSON Schema of FormulaireQF.json, the file every HubEE folder of the QF démarche carries, for
 * the software editors of communes (served at FORMULAIRE_QF_SCHEMA_PATH). It describes exactly
 * what app/formulaire-qf/document.ts builds — our tests validate every payload against it —
 * and is strict (no unknown key) so that a change to the payload cannot go unnoticed here.
 *
 * Draft-07 rather than 2020-12: it is the draft the validators editors use (PHP, Java, .NET,
 * Python) all support.
 */

export { FORMULAIRE_QF_SCHEMA_PATH } from "./paths";

/** YYYY-MM-DD where unknown parts are 00 (presumed dates: YYYY-MM-00, YYYY-00-00). */
const PRESUMED_DATE = "^[0-9]{4}-((0[1-9]|1[0-2])-(0[0-9]|[12][0-9]|3[01])|00-00)$";

const nullable = (type: string) => ({ type: [type, "null"] });

const personV3 = {
  type: "object",
  description: "Une personne telle qu’API Particulier v3 la décrit (allocataire ou enfant).",
  required: ["nom_naissance", "prenoms", "date_naissance", "sexe"],
  // API Particulier may add keys: forwarded as it sent them, like the national form does.
  additionalProperties: true,
  properties: {
    nom_naissance: { type: "string", description: "Nom de naissance." },
    nom_usage: { ...nullable("string"), description: "Nom d’usage, null ou absent s’il n’y en a pas." },
    prenoms: { type: "string", description: "Prénoms séparés par des espaces, souvent en majuscules." },
    date_naissance: {
      type: "string",
      pattern: PRESUMED_DATE,
      description: "AAAA-MM-JJ ; la CNAF écrit 00 pour un jour ou un mois inconnu (2020-00-00).",
    },
    sexe: { enum: ["F", "M"] },
  },
} as const;

const personV2 = {
  type: "object",
  description: "Une personne dans l’ancien format API Particulier v2 : la date est découpée en chaînes.",
  required: [
    "nomNaissance",
    "nomUsuel",
    "prenoms",
    "anneeDateDeNaissance",
    "moisDateDeNaissance",
    "jourDateDeNaissance",
    "sexe",
  ],
  additionalProperties: false,
  properties: {
    nomNaissance: { type: "string" },
    nomUsuel: nullable("string"),
    prenoms: { type: "string" },
    anneeDateDeNaissance: { type: "string", pattern: "^[0-9]{4}$" },
    moisDateDeNaissance: { type: "string", pattern: "^(0[0-9]|1[0-2])$", description: '"00" si inconnu.' },
    jourDateDeNaissance: { type: "string", pattern: "^([0-2][0-9]|3[01])$", description: '"00" si inconnu.' },
    sexe: { enum: ["F", "M"] },
  },
} as const;

const month = { type: "integer", minimum: 1, maximum: 12 } as const;

export const FORMULAIRE_QF_JSON_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "FormulaireQF.json",
  description:
    "Pièce jointe FormulaireQF.json d’un dossier HubEE de la démarche FormulaireQF : identité pivot FranceConnect " +
    "et quotient familial (API Particulier v3, et l’ancien bloc v2). Au moins un des deux blocs est présent ; " +
    "Portail QF envoie toujours les deux. Lisez le bloc v3 s’il est là, sinon le bloc v2.",
  type: "object",
  required: ["external_id", "pivot_identity"],
  anyOf: [{ required: ["quotient_familial_v3"] }, { required: ["quotient_familial"] }],
  additionalProperties: false,
  properties: {
    external_id: {
      ...nullable("string"),
      // JSON Schema counts characters (code points), like readExternalId.
      maxLength: MAX_EXTERNAL_ID_LENGTH,
      description:
        "Le numéro de dossier que le portail de la commune a passé dans le lien " +
        "/collectivites/<SIRET>/me_connecter?external_id=…, tel quel (caractères imprimables, Unicode NFC, " +
        "sans caractère de contrôle) ; null sans lien profond.",
    },
    pivot_identity: {
      type: "object",
      description: "L’identité pivot FranceConnect (identité de naissance) de la personne qui transmet.",
      required: ["family_name", "given_name", "gender", "birthdate", "birthplace", "birthcountry"],
      additionalProperties: false,
      properties: {
        family_name: { type: "string", pattern: "\\S", description: "Nom de naissance." },
        given_name: {
          type: "string",
          description: "Tous les prénoms séparés par des espaces ; chaîne vide pour une personne sans prénom.",
        },
        gender: { enum: ["male", "female"] },
        birthdate: { type: "string", pattern: PRESUMED_DATE, description: "AAAA-MM-JJ, date présumée possible." },
        birthplace: {
          type: "string",
          pattern: "^([0-9][0-9AB][0-9]{3})?$",
          description: "Code COG INSEE de la commune de naissance ; chaîne vide pour une personne née à l’étranger.",
        },
        birthcountry: {
          type: "string",
          pattern: "^[0-9]{5}$",
          description: "Code COG INSEE du pays de naissance, 99100 pour la France.",
        },
      },
    },
    quotient_familial_v3: {
      type: "object",
      description:
        "Les données d’API Particulier v3 telles que reçues (mêmes clés, dans le même ordre, y compris celles " +
        "qu’API Particulier ajouterait et que ce schéma ne décrit pas encore), plus la version en dernier. Une clé " +
        "dont le jeton n’avait pas le scope est absente. Sans quotient_familial (réponse sans QF), le bloc ne porte " +
        "que les autres clés, et le bloc v2 des valeurs null ; une date de naissance présumée garde ses 00 " +
        "(1962-00-00) dans pivot_identity comme dans les personnes.",
      required: ["version"],
      additionalProperties: true,
      properties: {
        allocataires: { type: "array", minItems: 1, items: personV3 },
        enfants: { type: "array", items: personV3 },
        adresse: {
          type: "object",
          required: [
            "destinataire",
            "complement_information",
            "complement_information_geographique",
            "numero_libelle_voie",
            "lieu_dit",
            "code_postal_ville",
            "pays",
          ],
          additionalProperties: true,
          properties: {
            destinataire: { type: "string" },
            complement_information: nullable("string"),
            complement_information_geographique: nullable("string"),
            numero_libelle_voie: nullable("string"),
            lieu_dit: nullable("string"),
            code_postal_ville: { type: "string" },
            pays: { type: "string" },
          },
        },
        quotient_familial: {
          type: "object",
          required: ["fournisseur", "valeur", "annee", "mois", "annee_calcul", "mois_calcul"],
          additionalProperties: true,
          properties: {
            fournisseur: { enum: ["CNAF", "MSA"] },
            valeur: { type: "integer", description: "Le quotient familial, en euros." },
            annee: { type: "integer", description: "Année du QF demandé." },
            mois: month,
            annee_calcul: { type: "integer", description: "Année où la caisse l’a calculé." },
            mois_calcul: month,
          },
        },
        version: { const: "v3" },
      },
    },
    quotient_familial: {
      type: "object",
      description:
        "Ancien bloc au format API Particulier v2, gardé pour les intégrations existantes. Valeurs null quand " +
        "API Particulier n’a pas donné de QF.",
      required: ["regime", "allocataires", "enfants", "quotientFamilial", "annee", "mois", "version"],
      additionalProperties: false,
      properties: {
        regime: { enum: ["CNAF", "MSA", null] },
        allocataires: { type: "array", items: personV2 },
        enfants: { type: "array", items: personV2 },
        quotientFamilial: nullable("integer"),
        annee: nullable("integer"),
        mois: { ...month, type: ["integer", "null"] },
        version: { const: "v2" },
      },
    },
  },
  examples: formulaireQfExamples(),
};

/** The examples of the schema, built by the same code as the files we send: both blocks, v3 only, v2 only. */
export function formulaireQfExamples(): Record<string, unknown>[] {
  const both = formulaireQfDocument(EXAMPLE_SHIPMENT);
  const { quotient_familial: _v2, ...v3Only } = both;
  const { quotient_familial_v3: _v3, ...v2Only } = formulaireQfDocument({ ...EXAMPLE_SHIPMENT, externalId: null });
  return [both, v3Only, v2Only] as unknown as Record<string, unknown>[];
}
