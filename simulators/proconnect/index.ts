import { DEMO_AGENTS, demoProConnectClient } from "../demo-data.ts";
import { createOidcSimulator, type OidcSimulator } from "../oidc/oidc-simulator.ts";
import { agentClaims, proConnectSubject } from "./agents.ts";
import { proConnectLoginUi } from "./login-page.ts";

/**
 * ProConnect (public agents' login) as seen by a service provider: discovery,
 * authorize (state and nonce of 32+ chars required), token, signed userinfo,
 * jwks and session/end under the issuer.
 */
export async function createProConnectSimulator(opts: { issuer: string; appUrl: string }): Promise<OidcSimulator> {
  const client = demoProConnectClient(opts.appUrl);
  const bySubject = new Map(DEMO_AGENTS.map((a) => [proConnectSubject(a), a]));

  return createOidcSimulator({
    name: "proconnect",
    spec: {
      issuer: opts.issuer,
      serviceName: "ProConnect",
      cookiePrefix: "pc",
      client: {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        client_name: "Portail QF – espace agents",
        redirect_uris: client.redirectUris,
        post_logout_redirect_uris: client.postLogoutRedirectUris,
        token_endpoint_auth_method: "client_secret_post",
        id_token_signed_response_alg: "ES256",
        userinfo_signed_response_alg: "ES256",
        // ProConnect always states the acr and auth_time in its id_token.
        default_acr_values: ["eidas1"],
        require_auth_time: true,
      },
      claims: {
        openid: ["sub"],
        given_name: ["given_name"],
        usual_name: ["usual_name"],
        email: ["email"],
        uid: ["uid"],
        siret: ["siret"],
        siren: ["siren"],
        idp_id: ["idp_id"],
        organization_label: ["organization_label"],
        organizational_unit: ["organizational_unit"],
        belonging_population: ["belonging_population"],
        phone: ["phone_number"],
      },
      extraScopes: [],
      acrValues: ["eidas1", "eidas2", "eidas3"],
      ttl: { accessToken: 60, authorizationCode: 30, idToken: 60, session: 12 * 3600, interaction: 30 * 60 },
      conformIdTokenClaims: true,
      authorizeRules: { stateMinLength: 32, nonceMinLength: 32 },
      accountClaims: (sub) => {
        const agent = bySubject.get(sub);
        return agent ? agentClaims(agent) : undefined;
      },
    },
    ui: proConnectLoginUi(DEMO_AGENTS),
    users: () => DEMO_AGENTS.map((a) => ({ sub: proConnectSubject(a), ...a })),
  });
}
