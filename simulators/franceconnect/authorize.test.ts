import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoFranceConnectClient } from "../demo-data.ts";
import { RelyingParty } from "../oidc/testing/relying-party.ts";
import { serveModules, type TestServer } from "../oidc/testing/serve-modules.ts";
import { createFranceConnectSimulator, type FranceConnectSimulator } from "./index.ts";

const APP_URL = "http://localhost:3000";
const SCOPE = "openid identite_pivot cnaf_quotient_familial cnaf_allocataires cnaf_enfants cnaf_adresse";

let server: TestServer<{ fc: FranceConnectSimulator }>;
let issuer: string;

beforeAll(async () => {
  server = await serveModules(async (url) => ({
    fc: await createFranceConnectSimulator({ issuer: `${url}/franceconnect/api/v2`, appUrl: APP_URL }),
  }));
  issuer = server.modules.fc.issuer;
});
afterAll(() => server.close());

describe("FranceConnect discovery", () => {
  it("publishes the v2 endpoints under the issuer path", async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as Record<string, unknown>;
    expect(meta).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/jwks`,
      end_session_endpoint: `${issuer}/session/end`,
      acr_values_supported: ["eidas1"],
    });
    expect(meta.userinfo_signing_alg_values_supported).toContain("ES256");
    expect(meta.id_token_signing_alg_values_supported).toContain("ES256");
    expect(meta.subject_types_supported).toContain("pairwise");
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(SCOPE.split(" ")));
    expect(meta.claims_supported).toEqual(expect.arrayContaining(["given_name_array", "birthplace", "birthcountry"]));
  });

  it("serves an ES256 public key and no private part", async () => {
    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(jwks.keys[0]).not.toHaveProperty("d");
  });
});

describe("FranceConnect authorize rejections", () => {
  let rp: RelyingParty;
  beforeAll(async () => {
    rp = await RelyingParty.discover(issuer, demoFranceConnectClient(APP_URL));
  });

  const rejectionOf = async (params: Record<string, string | undefined>) => {
    const request = await rp.authorizationRequest({ scope: SCOPE, acr_values: "eidas1", ...params });
    const nav = await rp.open(request.url);
    expect(nav.url.startsWith(rp.redirectUri)).toBe(true);
    return new URL(nav.url).searchParams;
  };

  it("shows the login page for a valid request", async () => {
    const request = await rp.authorizationRequest({ scope: SCOPE, acr_values: "eidas1" });
    const nav = await rp.open(request.url);
    expect(nav.response.status).toBe(200);
    expect(nav.url).toMatch(new RegExp(`^${issuer}/interaction/[\\w-]+$`));
    expect(nav.body).toContain("Connexion avec FranceConnect");
    expect(nav.body).toContain('data-testid="fc-user-test"');
    expect(nav.body).toContain("Angela Claire Louise DUBOIS");
  });

  it("accepts a request without PKCE", async () => {
    const request = await rp.authorizationRequest({
      scope: SCOPE,
      acr_values: "eidas1",
      code_challenge: undefined,
      code_challenge_method: undefined,
    });
    const nav = await rp.open(request.url);
    expect(nav.response.status).toBe(200);
  });

  it("rejects a request without acr_values", async () => {
    const params = await rejectionOf({ acr_values: undefined, state: "etat-sans-acr" });
    expect(params.get("error")).toBe("invalid_request");
    expect(params.get("error_description")).toContain("acr_values");
    expect(params.get("state")).toBe("etat-sans-acr");
  });

  it("rejects an acr other than eidas1", async () => {
    const params = await rejectionOf({ acr_values: "eidas2" });
    expect(params.get("error")).toBe("invalid_request");
  });

  it("rejects a request without state", async () => {
    const params = await rejectionOf({ state: undefined });
    expect(params.get("error")).toBe("invalid_request");
    expect(params.get("error_description")).toContain("state");
  });

  it("rejects a nonce shorter than 22 characters, or none", async () => {
    const short = await rejectionOf({ nonce: "a".repeat(21), state: "etat-nonce" });
    expect(short.get("error")).toBe("invalid_request");
    expect(short.get("error_description")).toContain("nonce");
    expect(short.get("state")).toBe("etat-nonce");
    const missing = await rejectionOf({ nonce: undefined });
    expect(missing.get("error")).toBe("invalid_request");
    const request = await rp.authorizationRequest({ scope: SCOPE, acr_values: "eidas1", nonce: "n".repeat(22) });
    expect((await rp.open(request.url)).response.status).toBe(200);
  });

  it("shows an error page, and never redirects, for an unregistered redirect_uri", async () => {
    const request = await rp.authorizationRequest({
      scope: SCOPE,
      acr_values: "eidas1",
      redirect_uri: "http://localhost:3000/ailleurs",
    });
    const nav = await rp.open(request.url);
    expect(nav.response.status).toBe(400);
    expect(nav.body).toContain("Une erreur est survenue");
    expect(nav.body).toContain("invalid_redirect_uri");
  });

  it("shows an error page for an unknown client", async () => {
    const url = new URL(`${issuer}/authorize`);
    url.search = new URLSearchParams({
      client_id: "inconnu",
      response_type: "code",
      redirect_uri: rp.redirectUri,
      scope: "openid",
      acr_values: "eidas1",
      state: "s",
      nonce: "n".repeat(32),
    }).toString();
    const res = await fetch(url, { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("invalid_client");
  });
});
