import { getConfig, type Config } from "~/config.server";
import { createOidcClient, type OidcClient } from "./oidc-client.server";

/** Scopes the QF form asks FranceConnect for (identity + the CNAF data API Particulier serves). */
export const FRANCECONNECT_SCOPES =
  "openid identite_pivot cnaf_quotient_familial cnaf_allocataires cnaf_enfants cnaf_adresse";

let client: OidcClient | undefined;

/**
 * Our redirect URIs at FranceConnect. FRANCECONNECT_LEGACY_CALLBACKS=1 uses the national form's
 * (/callback, /logout-callback), already registered for its client: taking over its client then
 * needs no change at FranceConnect.
 */
export function franceConnectRedirectUris(config: Pick<Config, "APP_URL" | "FRANCECONNECT_LEGACY_CALLBACKS">) {
  return config.FRANCECONNECT_LEGACY_CALLBACKS
    ? { redirectUri: `${config.APP_URL}/callback`, postLogoutRedirectUri: `${config.APP_URL}/logout-callback` }
    : {
        redirectUri: `${config.APP_URL}/auth/franceconnect/callback`,
        postLogoutRedirectUri: `${config.APP_URL}/auth/franceconnect/logout-callback`,
      };
}

export function franceConnect(): OidcClient {
  if (!client) {
    const config = getConfig();
    client = createOidcClient({
      issuer: config.FRANCECONNECT_ISSUER,
      clientId: config.FRANCECONNECT_CLIENT_ID,
      clientSecret: config.FRANCECONNECT_CLIENT_SECRET,
      ...franceConnectRedirectUris(config),
      scope: FRANCECONNECT_SCOPES,
      // FranceConnect v2 requires eidas1, the only level it accepts.
      authorizationParams: { acr_values: "eidas1" },
      allowInsecureRequests: config.demoMode,
    });
  }
  return client;
}
