import type { ApiParticulierClient } from "~/integrations/api-particulier.server";
import { HubeeError } from "~/integrations/hubee/errors.server";
import { createHubeeTokenProvider } from "~/integrations/hubee/token.server";

/**
 * "Tester la connexion" of the settings page: one real call with the
 * commune's credentials, and what went wrong in words an administrator can
 * act on. Never echoes a secret.
 */

export interface ConnectionTestResult {
  level: "success" | "warning" | "error";
  message: string;
}

/** Asks HubEE for an SI token (the receiving side's scope) with the commune's credentials. */
export async function testHubeeSiCredentials(input: {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}): Promise<ConnectionTestResult> {
  const tokens = createHubeeTokenProvider({ ...input, scope: "SI" });
  try {
    await tokens.getToken();
    return {
      level: "success",
      message: "Connexion réussie : HubEE a accepté l’identifiant et le secret de la commune.",
    };
  } catch (error) {
    if (!(error instanceof HubeeError)) throw error;
    if (error.status === null) {
      return {
        level: "error",
        message:
          "Le service d’authentification de HubEE est injoignable. Réessayez dans quelques minutes ; si cela dure, signalez-le au support HubEE.",
      };
    }
    if (error.status === 401) {
      return {
        level: "error",
        message:
          "HubEE refuse ces identifiants : l’identifiant client ou le secret est incorrect. Copiez-les à nouveau depuis le portail HubEE (accès « SI » de la commune pour la démarche FormulaireQF).",
      };
    }
    if (error.status === 400) {
      return {
        level: "error",
        message:
          "HubEE reconnaît ces identifiants mais refuse de délivrer un accès de réception (« SI ») : ils ne correspondent sans doute pas à l’application SI de la commune pour la démarche FormulaireQF.",
      };
    }
    if (error.status >= 500 || error.status === 429) {
      return {
        level: "error",
        message: `HubEE rencontre une difficulté (erreur ${error.status}). Réessayez dans quelques minutes.`,
      };
    }
    return {
      level: "error",
      message: `HubEE a refusé la demande (erreur ${error.status}). Vérifiez les identifiants saisis.`,
    };
  }
}

/**
 * A synthetic identity (API Particulier's staging "cas nominal"): production
 * answers "not found" for it, which proves as much as a 200 does, since the
 * token and its scopes are checked before the search.
 */
const TEST_IDENTITY: [string, string][] = [
  ["nomNaissance", "LEFEBVRE"],
  ["prenoms[]", "ALEXIS"],
  ["prenoms[]", "GÉRÔME"],
  ["prenoms[]", "JEAN-PHILIPPE"],
  ["anneeDateNaissance", "1982"],
  ["moisDateNaissance", "12"],
  ["jourDateNaissance", "27"],
  ["sexeEtatCivil", "F"],
  ["codeCogInseePaysNaissance", "99100"],
  ["codeCogInseeCommuneNaissance", "08480"],
];

const TOKEN_ACCEPTED =
  "Connexion réussie : API Particulier a accepté le jeton et son habilitation au quotient familial.";

export async function testApiParticulierToken(
  client: ApiParticulierClient,
  input: { token: string; recipientSiret: string },
): Promise<ConnectionTestResult> {
  const params = new URLSearchParams([["recipient", input.recipientSiret], ...TEST_IDENTITY]);
  const outcome = await client.quotientFamilialWithIdentity(input.token, params);
  switch (outcome.kind) {
    case "ok": {
      const missing = (["allocataires", "enfants", "adresse"] as const).filter(
        (key) => outcome.data[key] === undefined,
      );
      if (outcome.data.quotient_familial === undefined) {
        return {
          level: "warning",
          message:
            "Le jeton est accepté, mais sans le quotient familial lui-même : vérifiez l’habilitation DataPass de la commune.",
        };
      }
      return missing.length > 0
        ? {
            level: "warning",
            message: `Le jeton est accepté, mais il ne donne accès qu’au montant du quotient familial : la composition de la famille et l’adresse ne seront pas transmises (données absentes : ${missing.join(", ")}).`,
          }
        : { level: "success", message: TOKEN_ACCEPTED };
    }
    case "not_found":
      return { level: "success", message: TOKEN_ACCEPTED };
    case "unauthorized":
      if (outcome.status === 403) {
        return {
          level: "error",
          message:
            "Ce jeton est valide mais n’est pas habilité au quotient familial : vérifiez que l’habilitation DataPass de la commune porte bien sur le quotient familial CAF & MSA.",
        };
      }
      if (outcome.code === "00103") {
        return {
          level: "error",
          message: "Ce jeton a expiré. Générez-en un nouveau depuis l’espace API Particulier de la commune.",
        };
      }
      if (outcome.code === "00105") {
        return {
          level: "error",
          message: "Ce jeton a été révoqué. Générez-en un nouveau depuis l’espace API Particulier de la commune.",
        };
      }
      return {
        level: "error",
        message: "API Particulier ne reconnaît pas ce jeton. Vérifiez que vous l’avez copié en entier, sans espace.",
      };
    case "rate_limited":
      return {
        level: "warning",
        message: "Trop de requêtes avec ce jeton en ce moment. Réessayez dans quelques secondes.",
      };
    case "provider_unavailable":
      return outcome.status === null
        ? { level: "error", message: "API Particulier est injoignable. Réessayez dans quelques minutes." }
        : {
            level: "warning",
            message: `API Particulier a accepté le jeton, mais la CAF ou la MSA n’a pas répondu (erreur ${outcome.status}). Réessayez plus tard pour une vérification complète.`,
          };
    case "invalid_request":
      // The token and scopes are checked first: a 4xx on our test identity still means they were accepted.
      return { level: "success", message: TOKEN_ACCEPTED };
    case "invalid_response":
      return {
        level: "error",
        message: `API Particulier a répondu de façon inattendue (erreur ${outcome.status}). Réessayez plus tard.`,
      };
  }
}
