/*
 * Not a .server module: the JSON Schemas are served by /api/schemas/webhooks/<event>.json and
 * read by the tests. They are the one description of the payloads; the TypeScript types in
 * payloads.server.ts follow them, and the tests validate every payload the code builds.
 */

import type { AnyWebhookEventType } from "./event-types";

/** Bumped on any incompatible change of a payload; receivers should check it. */
export const WEBHOOK_PAYLOAD_VERSION = 1;

type JsonSchema = Record<string, unknown>;

const BASE_URL = "https://portail-qf.beta.gouv.fr/api/schemas/webhooks";

const quotientFamilial: JsonSchema = {
  type: "object",
  description: "Un quotient familial tel qu'API Particulier le donne.",
  additionalProperties: false,
  required: ["valeur", "annee", "mois", "fournisseur"],
  properties: {
    valeur: { type: "integer", minimum: 0, description: "En euros." },
    annee: { type: "integer", minimum: 2000, maximum: 2100 },
    mois: { type: "integer", minimum: 1, maximum: 12 },
    fournisseur: { enum: ["CNAF", "MSA"] },
  },
};

const identite: JsonSchema = {
  type: "object",
  description: "Identité de naissance (identité pivot) de la personne qui a transmis.",
  additionalProperties: false,
  required: ["nom_naissance", "prenoms", "sexe", "date_naissance", "code_lieu_naissance", "code_pays_naissance"],
  properties: {
    nom_naissance: { type: "string" },
    prenoms: { type: "string", description: "Tous les prénoms, séparés par une espace." },
    sexe: { enum: ["F", "M"] },
    date_naissance: {
      type: "string",
      pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
      description: "AAAA-MM-JJ, 00 si inconnu.",
    },
    code_lieu_naissance: {
      type: ["string", "null"],
      pattern: "^[0-9AB]{5}$",
      description: "Code COG ; null à l'étranger.",
    },
    code_pays_naissance: {
      type: "string",
      pattern: "^[0-9]{5}$",
      description: "Code COG du pays, 99100 pour la France.",
    },
  },
};

function envelope(type: AnyWebhookEventType, description: string, data: JsonSchema): JsonSchema {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `${BASE_URL}/${type}.json`,
    title: type,
    description,
    type: "object",
    additionalProperties: false,
    required: ["version", "id", "type", "cree_le", "commune", "data"],
    properties: {
      version: { const: WEBHOOK_PAYLOAD_VERSION },
      id: {
        type: "string",
        format: "uuid",
        description: "Identifiant de l'événement, égal à l'en-tête webhook-id : le même à chaque nouvel essai.",
      },
      type: { const: type },
      cree_le: { type: "string", format: "date-time" },
      commune: {
        type: "object",
        additionalProperties: false,
        required: ["siret", "code_cog"],
        properties: {
          siret: { type: "string", pattern: "^[0-9]{14}$" },
          code_cog: { type: ["string", "null"], pattern: "^[0-9AB]{5}$" },
        },
      },
      data,
    },
  };
}

export const WEBHOOK_SCHEMAS: Record<AnyWebhookEventType, JsonSchema> = {
  "dossier.recu": envelope(
    "dossier.recu",
    "Une transmission est arrivée par HubEE et a été enregistrée dans un dossier famille.",
    {
      type: "object",
      additionalProperties: false,
      required: [
        "dossier_id",
        "teledossier_hubee_id",
        "reference",
        "numero_dossier_commune",
        "statut",
        "nouvelle_famille",
        "recu_le",
        "identite",
        "quotient_familial",
        "nombre_enfants",
      ],
      properties: {
        dossier_id: { type: "string", format: "uuid", description: "Le dossier famille dans le portail." },
        teledossier_hubee_id: { type: "string" },
        reference: {
          type: ["string", "null"],
          pattern: "^[0-9A-F]{13}$",
          description: "La référence donnée à la famille en fin de démarche.",
        },
        numero_dossier_commune: {
          type: ["string", "null"],
          description: "Le numéro de dossier de la commune passé dans le lien de la démarche (external_id).",
        },
        statut: {
          enum: ["recu", "erreur"],
          description: "erreur : la transmission n'a pas pu être lue ; identité et QF sont alors null.",
        },
        nouvelle_famille: {
          type: "boolean",
          description: "false quand la famille était déjà connue de la commune (même identité pivot).",
        },
        recu_le: { type: "string", format: "date-time" },
        identite: { oneOf: [identite, { type: "null" }] },
        quotient_familial: { oneOf: [quotientFamilial, { type: "null" }] },
        nombre_enfants: { type: "integer", minimum: 0 },
      },
    },
  ),
  "qf.mis_a_jour": envelope("qf.mis_a_jour", "Le quotient familial courant d'un dossier famille a changé.", {
    type: "object",
    additionalProperties: false,
    required: ["dossier_id", "ancienne_valeur", "nouveau", "origine", "campagne_id"],
    properties: {
      dossier_id: { type: "string", format: "uuid" },
      ancienne_valeur: { type: ["integer", "null"], minimum: 0, description: "En euros ; null si aucun QF connu." },
      nouveau: quotientFamilial,
      origine: { enum: ["transmission", "mise_a_jour_annuelle", "recherche_manuelle"] },
      campagne_id: {
        type: ["string", "null"],
        format: "uuid",
        description: "La campagne de mise à jour, pour l'origine mise_a_jour_annuelle.",
      },
    },
  }),
  "campagne.terminee": envelope(
    "campagne.terminee",
    "Une campagne de mise à jour des QF a pris fin : chaque famille a un résultat (statut terminee), ou la campagne a été arrêtée avant (statut arretee, par un agent ou parce qu'API Particulier a refusé le jeton de la commune). Une campagne sans aucune famille à interroger est terminée dès sa création.",
    {
      type: "object",
      additionalProperties: false,
      // statut and motif_arret came later (same version: an added field): absent means "terminee".
      required: ["campagne_id", "annee", "mois", "declenchement", "termine_le", "total", "resultats"],
      properties: {
        campagne_id: { type: "string", format: "uuid" },
        annee: { type: "integer" },
        mois: { type: "integer", minimum: 1, maximum: 12 },
        declenchement: { enum: ["planifie", "agent"] },
        termine_le: { type: "string", format: "date-time" },
        statut: {
          enum: ["terminee", "arretee"],
          description:
            "terminee : chaque famille a un résultat. arretee : la campagne a été arrêtée ; les familles non traitées (total moins la somme des resultats) n'ont pas été interrogées et pourront l'être par une nouvelle campagne. Absent dans les événements émis avant l'ajout de ce champ : comprendre terminee.",
        },
        motif_arret: {
          enum: ["agent", "jeton_refuse", "jeton_absent", null],
          description:
            "Pourquoi la campagne a été arrêtée (statut arretee) : agent = arrêtée depuis le portail ; jeton_refuse = API Particulier a refusé le jeton de la commune (401 ou 403) ; jeton_absent = aucun jeton API Particulier enregistré. null quand statut vaut terminee.",
        },
        total: { type: "integer", minimum: 0, description: "Familles de la campagne." },
        resultats: {
          type: "object",
          additionalProperties: false,
          required: ["mis_a_jour", "inchanges", "introuvables", "rejetes", "en_echec"],
          properties: {
            mis_a_jour: { type: "integer", minimum: 0 },
            inchanges: { type: "integer", minimum: 0 },
            introuvables: { type: "integer", minimum: 0 },
            rejetes: { type: "integer", minimum: 0 },
            en_echec: { type: "integer", minimum: 0 },
          },
        },
      },
    },
  ),
  "test.ping": envelope("test.ping", "Événement de test envoyé à la demande depuis le portail.", {
    type: "object",
    additionalProperties: false,
    required: ["point_de_terminaison_id", "message"],
    properties: {
      point_de_terminaison_id: { type: "string", format: "uuid" },
      message: { type: "string" },
    },
  }),
};
