import type { Response } from "express";

/** One entry of the API Particulier v3 error envelope `{"errors":[…]}`. */
export interface ApiParticulierError {
  code: string;
  title: string;
  detail: string;
  source: { parameter: string } | null;
  meta: Record<string, unknown>;
}

export interface ErrorEnvelope {
  errors: ApiParticulierError[];
}

export function sendErrors(res: Response, status: number, errors: ApiParticulierError[]): void {
  res.status(status).json({ errors } satisfies ErrorEnvelope);
}

const tokenSource = { parameter: "token" };

/**
 * The errors the simulator answers with. Codes, titles and details are copied from
 * the examples of api_particulier.yaml (QF paths) so clients can match on them; the
 * few codes the spec does not list come from the API's own source (siade) and say so.
 */
export const apiErrors = {
  invalidToken: (): ApiParticulierError => ({
    code: "00101",
    title: "Interdit",
    detail: "Votre token n'est pas valide ou n'est pas renseigné",
    source: tokenSource,
    meta: {},
  }),
  expiredToken: (): ApiParticulierError => ({
    code: "00103",
    title: "Jeton expiré",
    detail: "Votre token est expiré. Vous devez refaire une demande",
    source: tokenSource,
    meta: {},
  }),
  blacklistedToken: (): ApiParticulierError => ({
    code: "00105",
    title: "Jeton sur liste noire",
    detail:
      "Votre jeton est sur liste noire, celui-ci a certainement été divulgué sur un canal non-sécurisé. Vous pouvez trouver un jeton valide sur votre espace personnel: https://particulier.api.gouv.fr/compte",
    source: tokenSource,
    meta: {},
  }),
  insufficientPrivileges: (): ApiParticulierError => ({
    code: "00100",
    title: "Privilèges insuffisants",
    detail: "Votre token est valide mais vos privilèges sont insuffisants. Listez vos privilèges sur /api/introspect",
    source: tokenSource,
    meta: {},
  }),
  /** Not in the spec: siade's InvalidFranceConnectAccessTokenError(:missing_hub_identity_scope), a 401. */
  missingIdentityScope: (scopes: string[]): ApiParticulierError => ({
    code: "50003",
    title: "Accès non autorisé",
    detail: `Le jeton FranceConnect ne donne pas accès à l'identité pivot (scope identite_pivot). Le jeton possède les scopes suivants: ${scopes.join(", ")}.`,
    source: null,
    meta: { provider: "FranceConnect" },
  }),
  missingRecipient: (): ApiParticulierError => ({
    code: "00203",
    title: "Entité non traitable",
    detail: "Le paramètre recipient est obligatoire",
    source: { parameter: "recipient" },
    meta: {},
  }),
  /** Not in the spec's QF examples: siade's InvalidRecipientError. */
  invalidRecipient: (): ApiParticulierError => ({
    code: "00210",
    title: "Entité non traitable",
    detail: "Le paramètre recipient n'est pas un siret valide",
    source: { parameter: "recipient" },
    meta: {},
  }),
  invalidCivility: (parameter: string): ApiParticulierError => ({
    code: "00366",
    title: "Entité non traitable",
    detail: "Un ou plusieurs paramètres de civilité ne sont pas correctement formatés",
    source: { parameter },
    meta: {},
  }),
  /** Not in the spec's examples: siade's UnprocessableEntityError(:annee) code for the QF period. */
  invalidPeriod: (parameter: "annee" | "mois"): ApiParticulierError => ({
    code: "00353",
    title: "Entité non traitable",
    detail:
      "La période du quotient familial demandée n'est pas valide : elle doit être au format AAAA / MM, ni dans le futur ni plus ancienne que 24 mois.",
    source: { parameter },
    meta: {},
  }),
  notFound: (): ApiParticulierError => ({
    code: "37003",
    title: "Dossier allocataire absent CNAV",
    detail: "Le dossier allocataire n'a pas été trouvé auprès de la CNAV.",
    source: null,
    meta: { provider: "CNAV" },
  }),
  tooManyRequests: (): ApiParticulierError => ({
    code: "00429",
    title: "Trop de requêtes",
    detail: "Vous avez effectué trop de requêtes",
    source: null,
    meta: {},
  }),
  banned: (bannedUntil: Date): ApiParticulierError => ({
    code: "00429",
    title: "Trop de requêtes",
    detail: `Vous avez continué à appeler l'API sans respecter l'en-tête Retry-After d'une réponse 429 : ce jeton est bloqué jusqu'au ${bannedUntil.toISOString()}.`,
    source: null,
    meta: { banned_until: bannedUntil.toISOString() },
  }),
  conflict: (): ApiParticulierError => ({
    code: "00015",
    title: "Conflit",
    detail:
      "Une requête associé à votre jeton est déjà en cours de traitement pour ces paramètres. Veuillez attendre la fin du traitement avant d'effectuer une nouvelle requête.",
    source: null,
    meta: {},
  }),
  providerError: (): ApiParticulierError => ({
    code: "37999",
    title: "Erreur inconnue du fournisseur de données",
    detail:
      "La réponse retournée par le fournisseur de données est invalide et inconnue de notre service. L'équipe technique a été notifiée de cette erreur pour investigation.",
    source: null,
    meta: { provider: "CNAV" },
  }),
  providerTimeout: (retryIn = 10): ApiParticulierError => ({
    code: "37002",
    title: "Intermédiaire hors-délai",
    detail: "Temps d’attente d’une réponse du fournisseur de données écoulé.",
    source: null,
    meta: { provider: "CNAV", retry_in: retryIn },
  }),
  providerUnavailable: (retryIn = 10): ApiParticulierError => ({
    code: "37001",
    title: "Service non disponible",
    detail: "Service du fournisseur de données temporairement indisponible ou en maintenance.",
    source: null,
    meta: { provider: "CNAV", retry_in: retryIn },
  }),
  routeNotFound: (): ApiParticulierError => ({
    code: "00404",
    title: "Route introuvable",
    detail: "Cette route n'existe pas sur ce simulateur d'API Particulier (seules les routes QF v3 sont servies).",
    source: null,
    meta: {},
  }),
  internalError: (): ApiParticulierError => ({
    code: "00500",
    title: "Erreur interne",
    detail: "Une erreur interne est survenue dans le simulateur.",
    source: null,
    meta: {},
  }),
};
