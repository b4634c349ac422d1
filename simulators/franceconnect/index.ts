import { createHash } from "node:crypto";
import { demoFranceConnectClient } from "../demo-data.ts";
import { createOidcSimulator, type OidcSimulator } from "../oidc/oidc-simulator.ts";
import type { FranceConnectTokenIntrospection } from "../shared/types.ts";
import { checktokenRoute, introspect } from "./checktoken.ts";
import { franceConnectLoginUi } from "./login-page.ts";
import { loadTestUsers, PIVOT_CLAIMS, userClaims } from "./test-users.ts";

/** Scopes of the data providers (CNAF) that carry no claim of their own. */
export const FRANCECONNECT_DATA_SCOPES = [
  "cnaf_quotient_familial",
  "cnaf_allocataires",
  "cnaf_enfants",
  "cnaf_adresse",
];

/** FranceConnect's `sub`: pairwise per service provider, 64 hex chars + "v1". */
export function franceConnectSubject(login: string, clientId: string): string {
  return `${createHash("sha256").update(`${clientId}:${login}`).digest("hex")}v1`;
}

export type FranceConnectSimulator = OidcSimulator & {
  introspect(token: string): Promise<FranceConnectTokenIntrospection | null>;
};

/**
 * FranceConnect v2 as seen by a service provider: discovery, authorize (acr
 * eidas1, state and a nonce of 22+ chars required), token, signed userinfo,
 * jwks and session/end under the issuer, plus checktoken for data providers.
 */
export async function createFranceConnectSimulator(opts: {
  issuer: string;
  appUrl: string;
}): Promise<FranceConnectSimulator> {
  const users = loadTestUsers();
  const byLogin = new Map(users.map((u) => [u.login, u]));
  const client = demoFranceConnectClient(opts.appUrl);
  const pivot = [...PIVOT_CLAIMS];
  const introspection = {
    // Resolved lazily: the provider is replaced when a saved state is restored.
    provider: () => sim.provider(),
    issuer: opts.issuer,
    users: byLogin,
    pairwiseSubject: franceConnectSubject,
  };

  const sim = await createOidcSimulator({
    name: "franceconnect",
    spec: {
      issuer: opts.issuer,
      serviceName: "FranceConnect",
      cookiePrefix: "fc",
      client: {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        client_name: "Portail QF",
        redirect_uris: client.redirectUris,
        post_logout_redirect_uris: client.postLogoutRedirectUris,
        token_endpoint_auth_method: "client_secret_post",
        id_token_signed_response_alg: "ES256",
        userinfo_signed_response_alg: "ES256",
        subject_type: "pairwise",
        // No default_acr_values: it would fill in a missing acr_values, which FranceConnect rejects.
        require_auth_time: true,
      },
      claims: {
        openid: ["sub"],
        identite_pivot: pivot,
        given_name: ["given_name", "given_name_array"],
        family_name: ["family_name"],
        birthdate: ["birthdate"],
        gender: ["gender"],
        birthplace: ["birthplace"],
        birthcountry: ["birthcountry"],
        profile: [...pivot, "preferred_username"],
        birth: ["birthplace", "birthcountry"],
        email: ["email"],
        preferred_username: ["preferred_username"],
        phone: ["phone_number"],
        address: ["address"],
      },
      extraScopes: FRANCECONNECT_DATA_SCOPES,
      acrValues: ["eidas1"],
      ttl: { accessToken: 60, authorizationCode: 30, idToken: 60, session: 30 * 60, interaction: 30 * 60 },
      conformIdTokenClaims: false,
      authorizeRules: { stateMinLength: 1, nonceMinLength: 22, requiredAcrValues: ["eidas1"] },
      pairwiseSubject: franceConnectSubject,
      accountClaims: (login) => {
        const user = byLogin.get(login);
        return user ? userClaims(user) : undefined;
      },
    },
    ui: franceConnectLoginUi(users),
    users: () => users.map((u) => ({ login: u.login, password: u.password, ...userClaims(u) })),
    extraRoutes: (router) => {
      router.use(checktokenRoute(introspection));
    },
  });

  return Object.assign(sim, { introspect: (token: string) => introspect(introspection, token) });
}
