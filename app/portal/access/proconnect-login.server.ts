import crypto from "node:crypto";
import { z } from "zod";
import { createEncryptedCookieStore, type EncryptedCookieStore } from "~/auth/encrypted-cookie.server";
import { OidcLoginError } from "~/auth/oidc-client.server";
import { proConnect } from "~/auth/proconnect.server";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { keyFromBase64 } from "~/utils/encryption.server";
import { logger } from "~/utils/logger.server";
import {
  clearAgentSessionCookie,
  createAgentSession,
  LOGIN_PATH,
  readAgentSession,
  revokeAgentSession,
  revokeAllAgentSessions,
  safeRedirectTo,
  sessionIdHashOf,
  sessionIdToken,
} from "./agent-session.server";
import { identityFromClaims, InvalidProConnectClaimsError, loginAgent } from "./agent-login.server";
import { recordAudit } from "../../audit/audit.server";

/**
 * The portal's ProConnect round trips. Between the redirect and the callback,
 * state, nonce and PKCE verifier wait in a short encrypted cookie; the agent's
 * session itself is server-side (agent-session.server.ts).
 */

export interface Next {
  location: string;
  setCookies: string[];
}

/** Long enough to pick an identity provider and sign in there. */
const PENDING_SECONDS = 10 * 60;

const pendingSchema = z.object({
  login: z.object({ state: z.string(), nonce: z.string(), codeVerifier: z.string() }).nullable(),
  redirectTo: z.string().nullable(),
  logoutState: z.string().nullable(),
});
type Pending = z.infer<typeof pendingSchema>;

let pendingStore: EncryptedCookieStore<Pending> | undefined;

function pending(): EncryptedCookieStore<Pending> {
  if (!pendingStore) {
    const config = getConfig();
    pendingStore = createEncryptedCookieStore({
      name: "__qf_agent_pending",
      schema: pendingSchema,
      maxAgeSeconds: PENDING_SECONDS,
      secrets: config.sessionSecrets,
      encryptionKey: keyFromBase64(config.ENCRYPTION_KEY),
      secure: !config.demoMode,
    });
  }
  return pendingStore;
}

/** Login page messages, keyed by `?erreur=` / `?deconnexion=`. */
export const LOGIN_MESSAGES = {
  annule: { type: "info", text: "Vous avez annulé la connexion avec ProConnect." },
  indisponible: {
    type: "error",
    text: "ProConnect ne répond pas pour le moment. Réessayez dans quelques minutes.",
  },
  echec: { type: "error", text: "La connexion avec ProConnect n’a pas abouti. Réessayez." },
  expiree: { type: "warning", text: "La connexion a pris trop de temps. Recommencez." },
  identite: {
    type: "error",
    text: "Cette adresse électronique est déjà rattachée à un autre compte ProConnect (un autre fournisseur d’identité). Connectez-vous avec le compte utilisé la première fois, ou demandez à l’administrateur de votre commune de vous inviter à nouveau.",
  },
  deconnexion: { type: "success", text: "Vous êtes déconnecté." },
  partout: { type: "success", text: "Vous êtes déconnecté sur tous vos appareils." },
} as const;
export type LoginMessageKey = keyof typeof LOGIN_MESSAGES;

const loginPage = (key: LoginMessageKey) =>
  `${LOGIN_PATH}?${key === "deconnexion" || key === "partout" ? "deconnexion" : "erreur"}=${key}`;

export async function beginLogin(redirectTo: string | null): Promise<Next> {
  try {
    const { url, pending: login } = await proConnect().startLogin();
    const cookie = await pending().write({ login, redirectTo: safeRedirectTo(redirectTo), logoutState: null });
    return { location: url.toString(), setCookies: [cookie] };
  } catch (error) {
    logger.warn(
      { err: error instanceof OidcLoginError ? error.reason : "unknown" },
      "ProConnect login could not start",
    );
    return { location: loginPage("indisponible"), setCookies: [] };
  }
}

export async function completeLogin(request: Request, requestId: string): Promise<Next> {
  const store = pending();
  const state = await store.read(request);
  const clearPending = await store.clear();
  if (!state?.login) return { location: loginPage("expiree"), setCookies: [clearPending] };

  let userinfo;
  let idToken;
  try {
    const login = await proConnect().finishLogin(new URL(request.url), state.login);
    userinfo = login.userinfo;
    idToken = login.idToken;
  } catch (error) {
    const reason = error instanceof OidcLoginError ? error.reason : "provider_error";
    logger.warn(
      { requestId, reason, providerError: error instanceof OidcLoginError ? error.providerError : null },
      "ProConnect login failed",
    );
    const key = reason === "cancelled" ? "annule" : reason === "unavailable" ? "indisponible" : "echec";
    return { location: loginPage(key), setCookies: [clearPending] };
  }

  const db = await getDatabase();
  let outcome;
  try {
    outcome = await loginAgent(db, identityFromClaims(userinfo), { requestId });
  } catch (error) {
    if (!(error instanceof InvalidProConnectClaimsError)) throw error;
    logger.warn({ requestId, issue: error.message }, "ProConnect claims rejected");
    return { location: loginPage("echec"), setCookies: [clearPending] };
  }
  if (outcome.kind === "identity_mismatch") {
    logger.warn({ requestId, agentId: outcome.agentId }, "ProConnect identity does not match the bound one");
    return { location: loginPage("identite"), setCookies: [clearPending] };
  }

  // A fresh id at every login (no session fixation); the previous one, if any, ends here.
  const previous = await sessionIdHashOf(request);
  if (previous) await revokeAgentSession(db, previous);
  const session = await createAgentSession(db, outcome.agentId, { idToken });
  logger.info(
    { requestId, agentId: outcome.agentId, acceptedInvitations: outcome.acceptedInvitations },
    "agent logged in",
  );
  return { location: safeRedirectTo(state.redirectTo), setCookies: [clearPending, session.setCookie] };
}

/**
 * Ends the session here, then at ProConnect (session/end with id_token_hint),
 * which comes back to the logout callback. `everywhere` revokes every session
 * of the agent, on all their devices.
 */
export async function beginLogout(request: Request, requestId: string, { everywhere = false } = {}): Promise<Next> {
  const db = await getDatabase();
  const current = await readAgentSession(db, request);
  const clearSession = await clearAgentSessionCookie();
  if (!current) return { location: LOGIN_PATH, setCookies: [clearSession] };

  const idToken = await sessionIdToken(db, current.sessionIdHash);
  if (everywhere) await revokeAllAgentSessions(db, current.agent.id);
  else await revokeAgentSession(db, current.sessionIdHash);
  await recordAudit(db, {
    actor: current.agent.id,
    collectivityId: null,
    action: everywhere ? "agent.logout_everywhere" : "agent.logout",
    targetType: "agent",
    targetId: current.agent.id,
    requestId,
  });
  const done = loginPage(everywhere ? "partout" : "deconnexion");
  if (!idToken) return { location: done, setCookies: [clearSession] };
  try {
    const logoutState = crypto.randomBytes(24).toString("base64url");
    const url = await proConnect().logoutUrl(idToken, logoutState);
    const cookie = await pending().write({ login: null, redirectTo: done, logoutState });
    return { location: url.toString(), setCookies: [clearSession, cookie] };
  } catch {
    // ProConnect unreachable: our session is over anyway, which is what matters here.
    return { location: done, setCookies: [clearSession] };
  }
}

export async function completeLogout(request: Request): Promise<Next> {
  const store = pending();
  const state = await store.read(request);
  const returned = new URL(request.url).searchParams.get("state");
  const location =
    state?.logoutState && returned === state.logoutState && state.redirectTo?.startsWith(LOGIN_PATH)
      ? state.redirectTo
      : loginPage("deconnexion");
  return { location, setCookies: [await store.clear()] };
}
