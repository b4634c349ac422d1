import type { ApiParticulierClient, QuotientFamilialOutcome } from "~/integrations/api-particulier/client.server";
import type { PacedSend, TokenPacer } from "~/integrations/api-particulier/token-pacer.server";
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

/** An administrator does not wait long behind a running campaign's queue. */
const MAX_WAIT_MS = 8_000;

const TOKEN_BUSY = (seconds: number): ConnectionTestResult => ({
  level: "warning",
  message: `Ce jeton est très sollicité en ce moment (mise à jour des QF en cours ou pause imposée par API Particulier). Réessayez dans ${seconds} seconde${seconds > 1 ? "s" : ""}.`,
});

/**
 * The test call goes through the token pacer like every other call with a commune's token: a test
 * during a campaign must not push the token over API Particulier's limit.
 */
export async function testApiParticulierToken(
  client: ApiParticulierClient,
  pacer: TokenPacer,
  input: { token: string; recipientSiret: string },
): Promise<ConnectionTestResult> {
  const params = new URLSearchParams([["recipient", input.recipientSiret], ...TEST_IDENTITY]);
  let paced: PacedSend<QuotientFamilialOutcome>;
  try {
    paced = await pacer.send(input.token, {
      caller: "connection_test",
      signal: AbortSignal.timeout(MAX_WAIT_MS),
      send: () => client.quotientFamilialWithIdentity(input.token, params),
      retryAfterOf: (outcome) => (outcome.kind === "rate_limited" ? outcome.retryAfterMs : null),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") return TOKEN_BUSY(1);
    throw error;
  }
  if (paced.kind !== "sent") {
    return TOKEN_BUSY(paced.kind === "paused" ? Math.max(1, Math.ceil(paced.retryAfterMs / 1000)) : 1);
  }
  const outcome = paced.answer;
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
