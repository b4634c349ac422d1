import type { LookupOutcome } from "./lookup.server";

/**
 * What the agent reads after a lookup that did not give a QF: one French message per outcome,
 * with what to do next. No personal data (these also name the outcome in tests and logs).
 */

export interface OutcomeMessage {
  level: "info" | "warning" | "error";
  title: string;
  description: string;
  /** Things to try, shown as a list (404: the alternatives). */
  advice?: string[];
  /** The token is the problem: point to the settings (administrators) or to them. */
  settingsLink?: boolean;
}

const waitFor = (seconds: number) =>
  seconds >= 120 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconde${seconds > 1 ? "s" : ""}`;

export function outcomeMessage(outcome: Exclude<LookupOutcome, { kind: "ok" }>): OutcomeMessage {
  switch (outcome.kind) {
    case "not_found":
      return {
        level: "info",
        title: "Aucun dossier CAF ou MSA ne correspond à cette identité",
        description:
          "API Particulier n’a trouvé aucun allocataire avec ces informations. Seule l’identité de l’allocataire (la personne qui reçoit les prestations) permet de trouver le QF, pas celle d’un enfant.",
        advice: [
          "Vérifiez l’orthographe du nom de naissance et des prénoms, tels qu’ils figurent sur l’acte de naissance ou la pièce d’identité.",
          "Ajoutez tous les prénoms (jusqu’à trois) et la date de naissance complète : plus l’identité est précise, plus la recherche aboutit.",
          "Essayez avec l’identité de l’autre parent, s’il est l’allocataire.",
          "Sinon, la famille peut transmettre son QF elle-même avec FranceConnect, ou présenter une attestation de quotient familial de la CAF ou de la MSA.",
        ],
      };
    case "invalid_request":
      return {
        level: "error",
        title: "API Particulier refuse l’identité saisie",
        description:
          outcome.parameters.length > 0
            ? "Un ou plusieurs champs ne sont pas acceptés : ils sont signalés dans le formulaire. Corrigez-les puis relancez la recherche."
            : "Les informations d’état civil ne sont pas au format attendu. Vérifiez chaque champ (lettres, espaces, apostrophes et traits d’union seulement dans les noms) puis relancez la recherche.",
      };
    case "agent_rate_limited":
      return {
        level: "warning",
        title: "Trop de recherches en peu de temps",
        description: `Vous avez fait 30 recherches en 10 minutes, le maximum autorisé pour un agent. Vous pourrez relancer une recherche dans ${waitFor(outcome.retryAfterSeconds)}.`,
      };
    case "token_rate_limited":
      return {
        level: "warning",
        title: "API Particulier est très sollicitée par la commune en ce moment",
        description: `Le jeton de la commune a atteint sa limite de requêtes (la mise à jour annuelle des QF peut être en cours). Patientez ${waitFor(outcome.retryAfterSeconds)} puis relancez la recherche.`,
      };
    case "provider_unavailable":
      return {
        level: "warning",
        title: "La CAF ou la MSA ne répond pas pour le moment",
        description:
          outcome.status === null
            ? "API Particulier est injoignable. Vos informations sont conservées : relancez la recherche dans quelques minutes."
            : `Le service a répondu par une erreur temporaire (${outcome.status}). Vos informations sont conservées : relancez la recherche dans quelques minutes.`,
      };
    case "unauthorized":
      return {
        level: "error",
        title:
          outcome.status === 403
            ? "Le jeton API Particulier de la commune n’est pas habilité au quotient familial"
            : "Le jeton API Particulier de la commune est refusé",
        description:
          outcome.status === 403
            ? "API Particulier accepte le jeton mais pas pour le quotient familial. Un administrateur de la commune doit vérifier l’habilitation DataPass et enregistrer un jeton habilité dans les paramètres."
            : "Le jeton est invalide, expiré ou révoqué. Un administrateur de la commune doit en enregistrer un nouveau dans les paramètres.",
        settingsLink: true,
      };
    case "token_missing":
      return {
        level: "error",
        title: "La commune n’a pas encore de jeton API Particulier",
        description:
          "La recherche utilise le jeton API Particulier de la commune. Un administrateur de la commune doit l’enregistrer dans les paramètres.",
        settingsLink: true,
      };
    case "invalid_response":
      return {
        level: "error",
        title: "Réponse inattendue d’API Particulier",
        description: `La réponse reçue (${outcome.status}) ne peut pas être lue. Relancez la recherche dans quelques minutes ; si cela se reproduit, signalez-le au support.`,
      };
  }
}

/** The answer had no QF: the token lacks the quotient familial scope itself. */
export const NO_QUOTIENT_MESSAGE: OutcomeMessage = {
  level: "warning",
  title: "Allocataire trouvé, mais sans quotient familial",
  description:
    "Le jeton de la commune ne donne pas accès au montant du quotient familial. Un administrateur doit vérifier l’habilitation DataPass de la commune.",
  settingsLink: true,
};
