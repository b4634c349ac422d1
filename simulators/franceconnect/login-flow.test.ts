import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
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

/** A new browser signs in as `login` and the app exchanges the code. */
async function signIn(login: string, password = "123", scope = SCOPE) {
  const rp = await RelyingParty.discover(issuer, demoFranceConnectClient(APP_URL));
  const request = await rp.authorizationRequest({ scope, acr_values: "eidas1" });
  const page = await rp.open(request.url);
  expect(page.response.status).toBe(200);
  const callback = await rp.browser.submit(`${page.url}/login`, { login, password });
  expect(callback.url.startsWith(rp.redirectUri)).toBe(true);
  const tokens = await rp.exchange(callback.url, request);
  return { rp, request, callback, tokens, claims: tokens.claims()! };
}

describe("FranceConnect login flow", () => {
  it("signs in Angela Dubois (test/123) with PKCE and a checked nonce", async () => {
    const { tokens, claims, request } = await signIn("test");
    expect(tokens.token_type.toLowerCase()).toBe("bearer");
    expect(tokens.expires_in).toBe(60);
    expect(claims).toMatchObject({
      iss: issuer,
      aud: "portail-qf-demo",
      nonce: request.nonce,
      acr: "eidas1",
      given_name: "Angela Claire Louise",
      given_name_array: ["Angela", "Claire", "Louise"],
      family_name: "DUBOIS",
      birthdate: "1962-08-24",
      gender: "female",
      birthplace: "75107",
      birthcountry: "99100",
    });
    expect(claims.sub).toMatch(/^[0-9a-f]{64}v1$/);
    expect(claims.exp! - claims.iat!).toBe(60);
  });

  it("returns the userinfo as an ES256 JWT, verified against the jwks", async () => {
    const { rp, tokens, claims } = await signIn("test");
    const userinfo = await rp.userInfo(tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: claims.sub, given_name: "Angela Claire Louise", birthplace: "75107" });

    const res = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(res.headers.get("content-type")).toMatch(/^application\/jwt/);
    const { payload, protectedHeader } = await jwtVerify(
      await res.text(),
      createRemoteJWKSet(new URL(`${issuer}/jwks`)),
      { issuer, audience: "portail-qf-demo" },
    );
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload).toMatchObject({ family_name: "DUBOIS", gender: "female", birthcountry: "99100" });
  });

  it("gives an empty birthplace to a person born abroad", async () => {
    const { claims } = await signIn("naissance_Portugal");
    expect(claims).toMatchObject({ family_name: "SÉGUIN", birthplace: "", birthcountry: "99139" });
  });

  it("keeps presumed birth dates as they are", async () => {
    expect((await signIn("étranger_présumé_né_jour")).claims.birthdate).toBe("1992-11-00");
    expect((await signIn("étranger_présumé_né_jour_et_mois")).claims.birthdate).toBe("1992-00-00");
  });

  it("releases only the claims of the requested scopes", async () => {
    const { rp, tokens, claims } = await signIn("test", "123", "openid email preferred_username");
    expect(claims).not.toHaveProperty("given_name");
    const userinfo = await rp.userInfo(tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ email: "wossewodda-3728@yopmail.com", preferred_username: "" });
    expect(userinfo).not.toHaveProperty("birthdate");
  });

  it("gives the same pairwise sub to the same person every time", async () => {
    const first = await signIn("test");
    const second = await signIn("test");
    const other = await signIn("sans_nom_dusage");
    expect(second.claims.sub).toBe(first.claims.sub);
    expect(other.claims.sub).not.toBe(first.claims.sub);
  });

  it("refuses a wrong password with a French message", async () => {
    const rp = await RelyingParty.discover(issuer, demoFranceConnectClient(APP_URL));
    const page = await rp.open((await rp.authorizationRequest({ scope: SCOPE, acr_values: "eidas1" })).url);
    const retry = await rp.browser.submit(`${page.url}/login`, { login: "test", password: "1234" });
    expect(retry.response.status).toBe(401);
    expect(retry.body).toContain("Identifiant ou mot de passe incorrect");
    expect(retry.body).toMatch(/value="test"[^>]*checked/);
    const noChoice = await rp.browser.submit(`${page.url}/login`, { password: "123" });
    expect(noChoice.body).toContain("Veuillez choisir une identité de test");
  });

  it("sends access_denied and the state back when the user cancels", async () => {
    const rp = await RelyingParty.discover(issuer, demoFranceConnectClient(APP_URL));
    const request = await rp.authorizationRequest({ scope: SCOPE, acr_values: "eidas1" });
    const page = await rp.open(request.url);
    const back = await rp.browser.submit(`${page.url}/abort`, {});
    const params = new URL(back.url).searchParams;
    expect(back.url.startsWith(rp.redirectUri)).toBe(true);
    expect(params.get("error")).toBe("access_denied");
    expect(params.get("state")).toBe(request.state);
  });

  it("shows a French error page for an unknown interaction", async () => {
    const res = await fetch(`${issuer}/interaction/inconnue`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Cette demande de connexion a expiré");
  });

  it("keeps the FranceConnect session: a second login needs no password", async () => {
    const { rp } = await signIn("test");
    const request = await rp.authorizationRequest({ scope: SCOPE, acr_values: "eidas1" });
    const nav = await rp.open(request.url);
    expect(nav.url.startsWith(rp.redirectUri)).toBe(true);
    const tokens = await rp.exchange(nav.url, request);
    expect(tokens.claims()?.family_name).toBe("DUBOIS");
  });

  it("asks no consent when a signed-in user is asked for more scopes", async () => {
    const { rp } = await signIn("test", "123", "openid");
    const request = await rp.authorizationRequest({ scope: SCOPE, acr_values: "eidas1" });
    const nav = await rp.open(request.url);
    expect(nav.url.startsWith(rp.redirectUri)).toBe(true);
    const tokens = await rp.exchange(nav.url, request);
    expect(tokens.scope?.split(" ")).toEqual(expect.arrayContaining(SCOPE.split(" ")));
    expect(tokens.claims()?.birthplace).toBe("75107");
  });

  it("accepts client_secret_basic as well as client_secret_post", async () => {
    const rp = await RelyingParty.discover(issuer, demoFranceConnectClient(APP_URL), "client_secret_basic");
    const request = await rp.authorizationRequest({ scope: SCOPE, acr_values: "eidas1" });
    const page = await rp.open(request.url);
    const callback = await rp.browser.submit(`${page.url}/login`, { login: "test", password: "123" });
    const tokens = await rp.exchange(callback.url, request);
    expect(tokens.claims()?.family_name).toBe("DUBOIS");
  });

  it("refuses a wrong client secret", async () => {
    const rp = await RelyingParty.discover(issuer, { ...demoFranceConnectClient(APP_URL), clientSecret: "mauvais" });
    const request = await rp.authorizationRequest({ scope: SCOPE, acr_values: "eidas1" });
    const page = await rp.open(request.url);
    const callback = await rp.browser.submit(`${page.url}/login`, { login: "test", password: "123" });
    await expect(rp.exchange(callback.url, request)).rejects.toMatchObject({ error: "invalid_client" });
  });

  it("logs out through session/end and comes back with the state", async () => {
    const { rp, tokens } = await signIn("test");
    const url = rp.endSessionUrl({
      id_token_hint: tokens.id_token!,
      state: "etat-de-deconnexion",
      post_logout_redirect_uri: `${APP_URL}/auth/franceconnect/logout-callback`,
    });
    expect(url.href.startsWith(`${issuer}/session/end?`)).toBe(true);
    const back = await rp.browser.navigate(url.href);
    expect(back.response.status).toBe(303);
    expect(back.url).toBe(`${APP_URL}/auth/franceconnect/logout-callback?state=etat-de-deconnexion`);
    // The session and the tokens are gone: the next login asks for the password again.
    expect(await server.modules.fc.introspect(tokens.access_token)).toBeNull();
    const again = await rp.open((await rp.authorizationRequest({ scope: SCOPE, acr_values: "eidas1" })).url);
    expect(again.response.status).toBe(200);
    expect(again.body).toContain("Mot de passe");
  });

  it("refuses an unregistered post_logout_redirect_uri", async () => {
    const { rp, tokens } = await signIn("test");
    const url = rp.endSessionUrl({
      id_token_hint: tokens.id_token!,
      state: "s",
      post_logout_redirect_uri: `${APP_URL}/ailleurs`,
    });
    const res = await rp.browser.navigate(url.href);
    expect(res.response.status).toBe(400);
    expect(res.body).toContain("Une erreur est survenue");
  });

  it("rejects a code used twice", async () => {
    const { rp, request, callback } = await signIn("test");
    await expect(rp.exchange(callback.url, request)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("rejects a code older than 30 seconds", async () => {
    const rp = await RelyingParty.discover(issuer, demoFranceConnectClient(APP_URL));
    const request = await rp.authorizationRequest({ scope: SCOPE, acr_values: "eidas1" });
    const page = await rp.open(request.url);
    const callback = await rp.browser.submit(`${page.url}/login`, { login: "test", password: "123" });
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 31_000);
      await expect(rp.exchange(callback.url, request)).rejects.toMatchObject({ error: "invalid_grant" });
    } finally {
      vi.useRealTimers();
    }
  });
});
