import Provider, { type ClientMetadata, type Configuration, type CookiesSetOptions } from "oidc-provider";
import { authorizeValidators, type AuthorizeRules } from "./authorize-rules.ts";
import { escapeHtml, renderPage } from "./html-page.ts";
import { immediateLogout } from "./immediate-logout.ts";
import type { MemoryStore } from "./memory-store.ts";
import type { ProviderKeys } from "./signing-keys.ts";

/** Lifetimes in seconds. */
export interface ProviderTtl {
  accessToken: number;
  authorizationCode: number;
  idToken: number;
  session: number;
  interaction: number;
}

/** What differs between the simulated providers; everything else is shared. */
export interface ProviderSpec {
  issuer: string;
  /** Shown on the pages, e.g. "FranceConnect". */
  serviceName: string;
  /**
   * Prefix of the cookie names. The app and every simulator share the host
   * "localhost" (cookies ignore ports), so the default names would collide.
   */
  cookiePrefix: string;
  client: ClientMetadata;
  /** oidc-provider claims configuration: scope → claims. */
  claims: NonNullable<Configuration["claims"]>;
  /** Scopes with no claims of their own (data-provider scopes). */
  extraScopes: string[];
  acrValues: string[];
  ttl: ProviderTtl;
  /** false = the scope claims are also put in the id_token (FranceConnect does). */
  conformIdTokenClaims: boolean;
  authorizeRules: AuthorizeRules;
  /** Present = `sub` is pairwise for clients registered with subject_type "pairwise". */
  pairwiseSubject?: (accountId: string, clientId: string) => string;
  /** All the claims of an account (sub excluded), or undefined when unknown. */
  accountClaims(accountId: string): Record<string, unknown> | undefined;
}

export const INTERACTION_PATH = "/interaction";

export function createProvider(spec: ProviderSpec, keys: ProviderKeys, store: MemoryStore): Provider {
  const longCookie: CookiesSetOptions = { httpOnly: true, sameSite: "lax", signed: true, path: "/" };
  const shortCookie: CookiesSetOptions = { httpOnly: true, sameSite: "lax", signed: true };
  const configuration: Configuration = {
    adapter: store.adapterFactory(),
    clients: [spec.client],
    clientDefaults: {
      grant_types: ["authorization_code"],
      response_types: ["code"],
      id_token_signed_response_alg: "ES256",
      token_endpoint_auth_method: "client_secret_post",
    },
    jwks: { keys: keys.jwks as never },
    cookies: {
      keys: keys.cookieKeys,
      names: {
        session: `${spec.cookiePrefix}_session`,
        interaction: `${spec.cookiePrefix}_interaction`,
        resume: `${spec.cookiePrefix}_interaction_resume`,
      },
      long: longCookie,
      short: shortCookie,
    },
    claims: { acr: null, auth_time: null, ...spec.claims },
    scopes: ["openid", ...spec.extraScopes],
    acrValues: spec.acrValues,
    extraParams: authorizeValidators(spec.authorizeRules),
    conformIdTokenClaims: spec.conformIdTokenClaims,
    // Token lifetimes are exact, like the real services' (access token 60 s).
    clockTolerance: 0,
    subjectTypes: spec.pairwiseSubject ? ["public", "pairwise"] : ["public"],
    pairwiseIdentifier: async (_ctx, accountId, client) =>
      spec.pairwiseSubject ? spec.pairwiseSubject(accountId, client.clientId) : accountId,
    responseTypes: ["code"],
    pkce: { required: () => false },
    routes: {
      authorization: "/authorize",
      token: "/token",
      userinfo: "/userinfo",
      jwks: "/jwks",
      end_session: "/session/end",
    },
    ttl: {
      AccessToken: spec.ttl.accessToken,
      AuthorizationCode: spec.ttl.authorizationCode,
      IdToken: spec.ttl.idToken,
      Session: spec.ttl.session,
      Grant: spec.ttl.session,
      Interaction: spec.ttl.interaction,
    },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Replaced by the immediate logout below; never shown.
        logoutSource: (ctx) => {
          ctx.body = "";
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = "html";
          ctx.body = renderPage({
            title: "Déconnexion",
            service: spec.serviceName,
            body: `<h1>Vous êtes déconnecté</h1><p>Votre session ${escapeHtml(spec.serviceName)} est terminée.</p>`,
          });
        },
      },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
      dPoP: { enabled: false },
      claimsParameter: { enabled: false },
    },
    interactions: {
      url: (_ctx, interaction) => `${spec.issuer}${INTERACTION_PATH}/${interaction.uid}`,
    },
    findAccount: async (_ctx, sub) => {
      const claims = spec.accountClaims(sub);
      if (!claims) return undefined;
      return { accountId: sub, claims: async () => ({ ...claims, sub }) };
    },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = renderPage({
        title: "Erreur",
        service: spec.serviceName,
        body: `<h1>Une erreur est survenue</h1>
<p>La demande de connexion n'a pas pu aboutir.</p>
<dl><dt>Code</dt><dd data-testid="error-code">${escapeHtml(out.error)}</dd>
<dt>Détail</dt><dd data-testid="error-description">${escapeHtml(out.error_description)}</dd></dl>`,
      });
    },
  };
  const provider = new Provider(spec.issuer, configuration);
  // Honour X-Forwarded-* when the demo runs behind a reverse proxy.
  provider.proxy = true;
  provider.use(immediateLogout(provider, longCookie));
  return provider;
}
