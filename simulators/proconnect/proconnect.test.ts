import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_AGENTS, demoProConnectClient } from "../demo-data.ts";
import type { OidcSimulator } from "../oidc/oidc-simulator.ts";
import { RelyingParty } from "../oidc/testing/relying-party.ts";
import { serveModules, type TestServer } from "../oidc/testing/serve-modules.ts";
import { createFranceConnectSimulator } from "../franceconnect/index.ts";
import { createProConnectSimulator } from "./index.ts";

const APP_URL = "http://localhost:3000";
const SCOPE = "openid given_name usual_name email uid siret idp_id organization_label";

let server: TestServer<{ pc: OidcSimulator; fc: OidcSimulator }>;
let issuer: string;

beforeAll(async () => {
  // Both providers on one server, as in the demo: their cookies must not collide.
  server = await serveModules(async (url) => ({
    pc: await createProConnectSimulator({ issuer: `${url}/proconnect/api/v2`, appUrl: APP_URL }),
    fc: await createFranceConnectSimulator({ issuer: `${url}/franceconnect/api/v2`, appUrl: APP_URL }),
  }));
  issuer = server.modules.pc.issuer;
});
afterAll(() => server.close());

const discover = () => RelyingParty.discover(issuer, demoProConnectClient(APP_URL));

async function signIn(email: string, scope = SCOPE) {
  const rp = await discover();
  const request = await rp.authorizationRequest({ scope });
  const page = await rp.open(request.url);
  expect(page.response.status).toBe(200);
  const callback = await rp.browser.submit(`${page.url}/login`, { email });
  expect(callback.url.startsWith(rp.redirectUri)).toBe(true);
  const tokens = await rp.exchange(callback.url, request);
  return { rp, tokens, claims: tokens.claims()! };
}

describe("ProConnect simulator", () => {
  it("publishes its discovery document under the issuer path", async () => {
    const meta = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      end_session_endpoint: `${issuer}/session/end`,
      userinfo_endpoint: `${issuer}/userinfo`,
    });
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(SCOPE.split(" ")));
    expect(meta.code_challenge_methods_supported).toContain("S256");
  });

  it("lists the demo agents on its login page, one button each", async () => {
    const rp = await discover();
    const page = await rp.open((await rp.authorizationRequest({ scope: SCOPE })).url);
    expect(page.body).toContain("Connexion avec ProConnect");
    for (const agent of DEMO_AGENTS) expect(page.body).toContain(`data-testid="pc-agent-${agent.uid}"`);
  });

  it("signs an agent in and releases the agent claims in a signed userinfo", async () => {
    const { rp, tokens, claims } = await signIn("claire.lefebvre@angers.fr");
    expect(tokens.expires_in).toBe(60);
    expect(claims).toMatchObject({ iss: issuer, aud: "portail-qf-demo-agents", acr: "eidas1" });
    expect(claims.auth_time).toEqual(expect.any(Number));
    expect(claims.sub).toMatch(/^[0-9a-f-]{36}$/);
    const userinfo = await rp.userInfo(tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({
      sub: claims.sub,
      email: "claire.lefebvre@angers.fr",
      given_name: "Claire",
      usual_name: "Lefebvre",
      uid: "agent-angers-admin",
      siret: "21490007900010",
      idp_id: "fia1v2",
      organization_label: "Commune d'Angers",
    });
    expect(userinfo).not.toHaveProperty("siren");

    const res = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(res.headers.get("content-type")).toMatch(/^application\/jwt/);
    const { protectedHeader } = await jwtVerify(await res.text(), createRemoteJWKSet(new URL(`${issuer}/jwks`)), {
      issuer,
    });
    expect(protectedHeader.alg).toBe("ES256");
  });

  it("releases the optional siren on request", async () => {
    const { rp, tokens, claims } = await signIn("luc.moreau@pau.fr", `${SCOPE} siren`);
    expect(await rp.userInfo(tokens.access_token, claims.sub)).toMatchObject({ siren: "216404450" });
  });

  it("keeps one sub per agent", async () => {
    const a = await signIn("paul.durand@angers.fr");
    const b = await signIn("paul.durand@angers.fr");
    const c = await signIn("sophie.bernard@besancon.fr");
    expect(a.claims.sub).toBe(b.claims.sub);
    expect(c.claims.sub).not.toBe(a.claims.sub);
  });

  it("rejects a state or a nonce shorter than 32 characters", async () => {
    const rp = await discover();
    for (const params of [{ state: "s".repeat(31) }, { nonce: "n".repeat(31) }, { nonce: undefined }]) {
      const request = await rp.authorizationRequest({ scope: SCOPE, ...params });
      const nav = await rp.open(request.url);
      expect(nav.url.startsWith(rp.redirectUri)).toBe(true);
      expect(new URL(nav.url).searchParams.get("error")).toBe("invalid_request");
    }
    const ok = await rp.authorizationRequest({ scope: SCOPE, state: "s".repeat(32), nonce: "n".repeat(32) });
    expect((await rp.open(ok.url)).response.status).toBe(200);
  });

  it("refuses an unknown agent and returns access_denied on cancel", async () => {
    const rp = await discover();
    const request = await rp.authorizationRequest({ scope: SCOPE });
    const page = await rp.open(request.url);
    const retry = await rp.browser.submit(`${page.url}/login`, { email: "inconnu@example.fr" });
    expect(retry.response.status).toBe(401);
    expect(retry.body).toContain("Aucun agent ne correspond");
    const back = await rp.browser.submit(`${page.url}/abort`, {});
    expect(new URL(back.url).searchParams.get("error")).toBe("access_denied");
    expect(new URL(back.url).searchParams.get("state")).toBe(request.state);
  });

  it("logs out through session/end back to the app with the state", async () => {
    const { rp, tokens } = await signIn("admin@portail-qf.beta.gouv.fr");
    expect(rp.browser.cookieNames()).toEqual(expect.arrayContaining(["pc_session"]));
    expect(rp.browser.cookieNames()).not.toContain("_session");
    const back = await rp.browser.navigate(
      rp.endSessionUrl({
        id_token_hint: tokens.id_token!,
        state: "etat",
        post_logout_redirect_uri: `${APP_URL}/portail/auth/logout-callback`,
      }).href,
    );
    expect(back.url).toBe(`${APP_URL}/portail/auth/logout-callback?state=etat`);
    const again = await rp.open((await rp.authorizationRequest({ scope: SCOPE })).url);
    expect(again.response.status).toBe(200);
  });

  it("lists the agents on the admin API", async () => {
    const agents = (await (await fetch(`${server.url}/__admin/proconnect/users`)).json()) as Array<
      Record<string, unknown>
    >;
    expect(agents.map((a) => a.email)).toEqual(DEMO_AGENTS.map((a) => a.email));
    expect(agents[0]?.sub).toMatch(/^[0-9a-f-]{36}$/);
  });
});
