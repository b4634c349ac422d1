import * as oidc from "openid-client";
import { observedFetch } from "~/integrations/http.server";

/**
 * One OpenID Connect relying party (FranceConnect or ProConnect) with
 * openid-client v6: discovery, PKCE, state and nonce, signatures of the
 * id_token and of the userinfo JWT checked against the provider's JWKS.
 */

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  scope: string;
  /** Extra authorize parameters, e.g. acr_values=eidas1 for FranceConnect. */
  authorizationParams?: Record<string, string>;
  /** Both providers sign userinfo (ES256 by default). */
  userinfoSignedResponseAlg?: string;
  idTokenSignedResponseAlg?: string;
  /** Plain-http issuers are allowed only for the local simulators. */
  allowInsecureRequests?: boolean;
  /** How long a reachability probe of the provider is trusted (ms); default 10 s. */
  reachabilityCacheMs?: number;
}

/** The probe of the authorization endpoint must answer this fast for the provider to count as up. */
const PROBE_TIMEOUT_MS = 2_000;
/** A failed probe is trusted a short time only, so the login comes back as soon as the provider does. */
const UNREACHABLE_CACHE_MS = 3_000;

/** What must survive between the redirect to the provider and the callback. */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface CompletedLogin {
  idToken: string;
  accessToken: string;
  /** Verified id_token claims. */
  idTokenClaims: Record<string, unknown>;
  /** Verified userinfo claims (from the signed JWT). */
  userinfo: Record<string, unknown>;
}

export type OidcFailureReason = "cancelled" | "provider_error" | "invalid_callback" | "unavailable";

export class OidcLoginError extends Error {
  constructor(
    readonly reason: OidcFailureReason,
    /** The provider's error code (access_denied…), safe to log. */
    readonly providerError: string | null,
    options?: { cause?: unknown },
  ) {
    super(`OIDC login failed: ${reason}${providerError ? ` (${providerError})` : ""}`, options);
    this.name = "OidcLoginError";
  }
}

export interface OidcClient {
  startLogin(): Promise<{ url: URL; pending: PendingLogin }>;
  finishLogin(callbackUrl: URL, pending: PendingLogin): Promise<CompletedLogin>;
  logoutUrl(idToken: string, state: string): Promise<URL>;
}

export function createOidcClient(settings: OidcSettings): OidcClient {
  let configuration: Promise<oidc.Configuration> | null = null;
  let probe: { until: number; reachable: Promise<boolean> } | null = null;

  /**
   * Discovery is cached, so without this check a login would send the person to a provider that
   * is down, and they would see their browser's connection error instead of our page. One HEAD
   * of the authorization endpoint (any answer under 500 means it is up), cached briefly.
   */
  const assertReachable = async (config: oidc.Configuration) => {
    const cacheMs = settings.reachabilityCacheMs ?? 10_000;
    if (!probe || Date.now() >= probe.until) {
      const endpoint = config.serverMetadata().authorization_endpoint!;
      const reachable = observedFetch(endpoint, {
        method: "HEAD",
        redirect: "manual",
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      })
        .then((response) => response.status < 500)
        .catch(() => false);
      const current = { until: Date.now() + cacheMs, reachable };
      probe = current;
      void reachable.then((up) => {
        if (!up) current.until = Math.min(current.until, Date.now() + UNREACHABLE_CACHE_MS);
      });
    }
    if (!(await probe.reachable)) throw new OidcLoginError("unavailable", null);
  };

  const getConfiguration = () => {
    configuration ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        {
          client_secret: settings.clientSecret,
          redirect_uris: [settings.redirectUri],
          userinfo_signed_response_alg: settings.userinfoSignedResponseAlg ?? "ES256",
          id_token_signed_response_alg: settings.idTokenSignedResponseAlg ?? "ES256",
        },
        oidc.ClientSecretPost(settings.clientSecret),
        {
          // Discovery, token, userinfo and keys requests count as external calls (metrics, request
          // timing); the library keeps this fetch for every later request of the configuration.
          [oidc.customFetch]: (url, options) => observedFetch(url, options as RequestInit),
          ...(settings.allowInsecureRequests ? { execute: [oidc.allowInsecureRequests] } : {}),
        },
      )
      .then((config) => {
        // Verify JWT signatures even though the tokens come straight from the token endpoint.
        oidc.enableNonRepudiationChecks(config);
        return config;
      })
      .catch((error: unknown) => {
        configuration = null; // retry discovery on the next login
        throw new OidcLoginError("unavailable", null, { cause: error });
      });
    return configuration;
  };

  return {
    async startLogin() {
      const config = await getConfiguration();
      await assertReachable(config);
      const pending: PendingLogin = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
      };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: settings.scope,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: "S256",
        ...settings.authorizationParams,
      });
      return { url, pending };
    },

    async finishLogin(callbackUrl, pending) {
      const providerError = callbackUrl.searchParams.get("error");
      if (providerError) {
        // Only trust an error redirect that carries our state.
        if (callbackUrl.searchParams.get("state") !== pending.state) throw new OidcLoginError("invalid_callback", null);
        throw new OidcLoginError(providerError === "access_denied" ? "cancelled" : "provider_error", providerError);
      }
      const config = await getConfiguration();
      let tokens;
      try {
        tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        throw new OidcLoginError(isNetworkError(error) ? "unavailable" : "invalid_callback", null, { cause: error });
      }
      const idTokenClaims = tokens.claims();
      if (!tokens.id_token || !idTokenClaims) throw new OidcLoginError("invalid_callback", null);
      let userinfo;
      try {
        userinfo = await oidc.fetchUserInfo(config, tokens.access_token, idTokenClaims.sub);
      } catch (error) {
        throw new OidcLoginError(isNetworkError(error) ? "unavailable" : "provider_error", null, { cause: error });
      }
      return {
        idToken: tokens.id_token,
        accessToken: tokens.access_token,
        idTokenClaims: { ...idTokenClaims },
        userinfo: { ...userinfo },
      };
    },

    async logoutUrl(idToken, state) {
      const config = await getConfiguration();
      return oidc.buildEndSessionUrl(config, {
        id_token_hint: idToken,
        state,
        post_logout_redirect_uri: settings.postLogoutRedirectUri,
      });
    },
  };
}

function isNetworkError(error: unknown): boolean {
  return (
    error instanceof TypeError || (error instanceof Error && /fetch failed|ECONNREFUSED|timeout/i.test(error.message))
  );
}
