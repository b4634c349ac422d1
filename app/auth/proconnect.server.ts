import { getConfig } from "~/config.server";
import { createOidcClient, type OidcClient } from "./oidc-client.server";

/** What the portal asks ProConnect for: the agent's identity and organisation (a hint only, see app/portal). */
export const PROCONNECT_SCOPES = "openid given_name usual_name email uid siret idp_id organization_label";

let client: OidcClient | undefined;

export function proConnect(): OidcClient {
  if (!client) {
    const config = getConfig();
    client = createOidcClient({
      issuer: config.PROCONNECT_ISSUER,
      clientId: config.PROCONNECT_CLIENT_ID,
      clientSecret: config.PROCONNECT_CLIENT_SECRET,
      redirectUri: `${config.APP_URL}/portail/auth/callback`,
      postLogoutRedirectUri: `${config.APP_URL}/portail/auth/logout-callback`,
      scope: PROCONNECT_SCOPES,
      allowInsecureRequests: config.demoMode,
    });
  }
  return client;
}
