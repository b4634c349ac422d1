import crypto from "node:crypto";
import { franceConnect } from "~/auth/franceconnect.server";
import { OidcLoginError } from "~/auth/oidc-client.server";
import { getServices } from "~/services.server";
import { logger } from "~/utils/logger.server";
import type { Collectivity } from "../../db/schema/index.ts";
import { citizenSessionStore, newCitizenSession, type CitizenSession, type Retrieval } from "./citizen-session.server";
import { forgetJourney, hasStartedJourney, markJourneyStarted } from "./journey-marker.server";
import { InvalidFranceConnectClaimsError, pivotIdentityFromClaims } from "~/auth/franceconnect-claims";
import { retrieveQuotientFamilial } from "./quotient-familial-retrieval.server";
import { resolveReturnUrl } from "./redirect-uri";

/**
 * The citizen journey around FranceConnect: each step reads and writes the
 * short encrypted citizen session and tells the route where to go next.
 */

export interface Next {
  location: string;
  /** Set-Cookie header values. */
  setCookies: string[];
}

export const commune = (siret: string) => `/collectivites/${siret}`;

/** Query names the commune's own portal uses on the deep link; the commune page passes them on. */
export const EXTERNAL_ID_PARAM = "external_id";
export const REDIRECT_URI_PARAM = "redirect_uri";

/**
 * The commune page with a message, carrying the commune portal's external_id and return URL so
 * that logging in again from there still sends them (they were lost on cancel or error).
 */
export function communeWithJourney(
  session: Pick<CitizenSession, "siret" | "externalId" | "returnUrl">,
  extra: Record<string, string> = {},
): string {
  const query = new URLSearchParams(extra);
  if (session.externalId) query.set(EXTERNAL_ID_PARAM, session.externalId);
  if (session.returnUrl) query.set(REDIRECT_URI_PARAM, session.returnUrl);
  const search = query.toString();
  return search ? `${commune(session.siret)}?${search}` : commune(session.siret);
}
export const REVIEW_PATH = "/demarche/verification";

/**
 * Where a journey page sends someone without a citizen session: the commune list, saying either
 * that their session expired or, when no journey ever started in this browser, that none is in
 * progress (« session expirée » to someone who never began is wrong and alarming).
 */
export async function journeyLostLocation(request: Request): Promise<string> {
  return (await hasStartedJourney(request)) ? "/collectivites?session=expiree" : "/collectivites?session=aucune";
}
export const OUTCOME_PATHS = {
  not_found: "/demarche/qf-introuvable",
  provider_unavailable: "/demarche/service-indisponible",
  service_error: "/demarche/erreur",
} as const;

/**
 * Starts FranceConnect for a commune; external_id and redirect_uri come from the commune's own portal.
 * `previous` is the citizen's current session, if any: a login is a fresh start, except that the
 * count of failed retries after API Particulier was unavailable carries over, so that the retry page
 * stops offering a retry after a few and points to the alternatives instead.
 */
export async function beginLogin(input: {
  collectivity: Collectivity;
  externalId: string | null;
  redirectUri: string | null;
  previous: CitizenSession | null;
}): Promise<Next> {
  const returnUrl = resolveReturnUrl(input.redirectUri ?? undefined, input.collectivity.redirectOrigins);
  const session = newCitizenSession(input.collectivity.siret, input.externalId, returnUrl);
  const { previous } = input;
  if (
    previous?.retrieval?.kind === "provider_unavailable" &&
    previous.siret === session.siret &&
    !previous.shipmentReference
  ) {
    session.retrieval = { kind: "provider_unavailable", retries: previous.retrieval.retries };
  }
  const { url, pending } = await franceConnect().startLogin();
  session.pendingLogin = pending;
  return {
    location: url.toString(),
    setCookies: [await citizenSessionStore().write(session), await markJourneyStarted()],
  };
}

/** FranceConnect came back: verify, then fetch the QF at once (the access token lives 60 s). */
export async function completeLogin(request: Request): Promise<Next & { flash?: string }> {
  const store = citizenSessionStore();
  const session = await store.read(request);
  if (!session?.pendingLogin) {
    return { location: await journeyLostLocation(request), setCookies: [] };
  }
  const pending = session.pendingLogin;
  session.pendingLogin = null;
  let login;
  try {
    login = await franceConnect().finishLogin(new URL(request.url), pending);
  } catch (error) {
    const reason = error instanceof OidcLoginError ? error.reason : "provider_error";
    logger.warn(
      { reason, providerError: error instanceof OidcLoginError ? error.providerError : null },
      "FranceConnect login failed",
    );
    const message = reason === "cancelled" ? "annule" : "erreur";
    return {
      location: communeWithJourney(session, { franceconnect: message }),
      setCookies: [await store.write(session)],
    };
  }
  session.idToken = login.idToken;

  let retrieval: Retrieval;
  try {
    const pivotIdentity = pivotIdentityFromClaims(login.userinfo);
    const outcome = await retrieveQuotientFamilial(getServices().apiParticulier, login.accessToken, session.siret);
    logger.info({ outcome: outcome.kind, status: "status" in outcome ? outcome.status : null }, "QF retrieval");
    retrieval = toRetrieval(outcome, pivotIdentity, session.retrieval);
  } catch (error) {
    if (!(error instanceof InvalidFranceConnectClaimsError)) throw error;
    logger.warn({ issue: error.message }, "FranceConnect claims rejected");
    retrieval = { kind: "service_error" };
  }
  session.retrieval = retrieval;
  const location = retrieval.kind === "ok" ? REVIEW_PATH : OUTCOME_PATHS[retrieval.kind];
  return { location, setCookies: [await store.write(session)] };
}

function toRetrieval(
  outcome: Awaited<ReturnType<typeof retrieveQuotientFamilial>>,
  pivotIdentity: ReturnType<typeof pivotIdentityFromClaims>,
  previous: Retrieval | null,
): Retrieval {
  switch (outcome.kind) {
    case "ok":
      return {
        kind: "ok",
        pivotIdentity,
        quotientFamilial: outcome.data,
        reviewKey: crypto.randomBytes(18).toString("base64url"),
      };
    case "not_found":
      return { kind: "not_found" };
    case "provider_unavailable":
      return { kind: "provider_unavailable", retries: nextRetries(previous) };
    case "rate_limited":
      // Still limited after the inline retry, or told to wait longer than a page load: say how long.
      return {
        kind: "provider_unavailable",
        retries: nextRetries(previous),
        waitSeconds: Math.max(1, Math.ceil(outcome.retryAfterMs / 1000)),
      };
    default:
      // 401/403 (our habilitation), 422 (our request) or an unreadable answer: not the citizen's doing.
      return { kind: "service_error" };
  }
}

/** 0 on the first failure; one more on each failed retry (the previous failure came through beginLogin). */
function nextRetries(previous: Retrieval | null): number {
  return previous?.kind === "provider_unavailable" ? previous.retries + 1 : 0;
}

export async function readCitizenSession(request: Request): Promise<CitizenSession | null> {
  return citizenSessionStore().read(request);
}

export async function writeCitizenSession(session: CitizenSession): Promise<string> {
  return citizenSessionStore().write(session);
}

/** Logs out of FranceConnect too when the citizen has a FranceConnect session. */
export async function beginLogout(request: Request): Promise<Next> {
  const store = citizenSessionStore();
  const session = await store.read(request);
  if (!session?.idToken)
    return { location: "/?deconnexion=ok", setCookies: [await store.clear(), await forgetJourney()] };
  const state = crypto.randomBytes(24).toString("base64url");
  const url = await franceConnect().logoutUrl(session.idToken, state);
  // Keep only what the logout callback needs to check and to find its way back.
  const trimmed = { ...session, idToken: null, retrieval: null, pendingLogin: null, logoutState: state };
  return { location: url.toString(), setCookies: [await store.write(trimmed)] };
}

export async function completeLogout(request: Request): Promise<Next> {
  const store = citizenSessionStore();
  const session = await store.read(request);
  const state = new URL(request.url).searchParams.get("state");
  const location =
    session && state && session.logoutState === state ? `${commune(session.siret)}?deconnexion=ok` : "/?deconnexion=ok";
  return { location, setCookies: [await store.clear(), await forgetJourney()] };
}
