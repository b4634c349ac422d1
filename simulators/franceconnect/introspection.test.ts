import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { demoFranceConnectClient } from "../demo-data.ts";
import { RelyingParty } from "../oidc/testing/relying-party.ts";
import { serveModules, type TestServer } from "../oidc/testing/serve-modules.ts";
import { createFranceConnectSimulator, type FranceConnectSimulator } from "./index.ts";

const APP_URL = "http://localhost:3000";
const SCOPE = "openid identite_pivot cnaf_quotient_familial cnaf_allocataires cnaf_enfants cnaf_adresse";

let server: TestServer<{ fc: FranceConnectSimulator }>;
let fc: FranceConnectSimulator;

beforeAll(async () => {
  server = await serveModules(async (url) => ({
    fc: await createFranceConnectSimulator({ issuer: `${url}/franceconnect/api/v2`, appUrl: APP_URL }),
  }));
  fc = server.modules.fc;
});
afterAll(() => server.close());
afterEach(() => {
  vi.useRealTimers();
});

async function signIn(login: string) {
  const rp = await RelyingParty.discover(fc.issuer, demoFranceConnectClient(APP_URL));
  const request = await rp.authorizationRequest({ scope: SCOPE, acr_values: "eidas1" });
  const page = await rp.open(request.url);
  const callback = await rp.browser.submit(`${page.url}/login`, { login, password: "123" });
  const tokens = await rp.exchange(callback.url, request);
  return { rp, tokens, sub: tokens.claims()!.sub };
}

const checktoken = async (token: string) => {
  const res = await fetch(`${fc.issuer}/checktoken`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("FranceConnect token introspection", () => {
  it("describes a valid access token: identity, scopes, expiry, client and CSV login", async () => {
    const { tokens } = await signIn("test");
    const result = await fc.introspect(tokens.access_token);
    expect(result).toEqual({
      active: true,
      exp: expect.any(Number),
      scope: SCOPE.split(" "),
      client_id: "portail-qf-demo",
      login: "test",
      identity: {
        given_name: "Angela Claire Louise",
        given_name_array: ["Angela", "Claire", "Louise"],
        family_name: "DUBOIS",
        birthdate: "1962-08-24",
        gender: "female",
        birthplace: "75107",
        birthcountry: "99100",
      },
    });
    const now = Math.floor(Date.now() / 1000);
    expect(result!.exp).toBeGreaterThan(now + 55);
    expect(result!.exp).toBeLessThanOrEqual(now + 60);
  });

  it("returns null for an unknown token", async () => {
    expect(await fc.introspect("inconnu")).toBeNull();
    expect(await fc.introspect("")).toBeNull();
  });

  it("returns null once the 60 second lifetime is over, and userinfo refuses it", async () => {
    // The token is issued somewhere between these two instants (seconds granularity), and the
    // sign-in can take a while on a busy machine: place the clock from the right bound each time.
    const beforeSignIn = Date.now();
    const { rp, tokens, sub } = await signIn("test");
    const afterSignIn = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(beforeSignIn + 58_000);
    expect(await fc.introspect(tokens.access_token)).not.toBeNull();
    vi.setSystemTime(afterSignIn + 61_000);
    expect(await fc.introspect(tokens.access_token)).toBeNull();
    await expect(rp.userInfo(tokens.access_token, sub)).rejects.toThrow();
    expect((await checktoken(tokens.access_token)).body.token_introspection).toEqual({ active: false });
  });

  it("answers POST /checktoken like FranceConnect does for data providers", async () => {
    const { tokens, sub } = await signIn("naissance_Maroc");
    const { status, body } = await checktoken(tokens.access_token);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      iss: fc.issuer,
      token_introspection: {
        active: true,
        aud: "portail-qf-demo",
        sub,
        acr: "eidas1",
        scope: SCOPE,
        given_name: "Ermengardi",
        given_name_array: ["Ermengardi"],
        family_name: "GODIN",
        birthdate: "1985-09-05",
        gender: "female",
        birthplace: "",
        birthcountry: "99350",
      },
    });
    const introspection = body.token_introspection as Record<string, unknown>;
    expect(introspection.jti).not.toBe(tokens.access_token);
    expect((await checktoken("inconnu")).body.token_introspection).toEqual({ active: false });
    const missing = await fetch(`${fc.issuer}/checktoken`, { method: "POST" });
    expect(missing.status).toBe(400);
  });
});

describe("FranceConnect admin and state", () => {
  it("lists the integration test users", async () => {
    const users = (await (await fetch(`${server.url}/__admin/franceconnect/users`)).json()) as Array<
      Record<string, unknown>
    >;
    expect(users.length).toBeGreaterThan(30);
    expect(users.find((u) => u.login === "test")).toMatchObject({
      password: "123",
      given_name: "Angela Claire Louise",
      family_name: "DUBOIS",
    });
  });

  it("reports sessions and tokens, and reset() clears them", async () => {
    const { tokens } = await signIn("test");
    const state = (await (await fetch(`${server.url}/__admin/franceconnect/state`)).json()) as {
      sessions: unknown[];
      accessTokens: Array<Record<string, unknown>>;
    };
    expect(state.sessions.length).toBeGreaterThan(0);
    expect(state.accessTokens).toContainEqual(expect.objectContaining({ accountId: "test" }));
    fc.reset();
    expect(await fc.introspect(tokens.access_token)).toBeNull();
    expect(fc.store.list("Session")).toHaveLength(0);
  });

  it("keeps keys, sessions and tokens across a snapshot/restore (demo restart)", async () => {
    const { rp, tokens, sub } = await signIn("test");
    const saved = JSON.parse(JSON.stringify(fc.snapshot()));
    const jwksBefore = await (await fetch(`${fc.issuer}/jwks`)).json();
    fc.reset();
    fc.restore(saved);
    expect(await (await fetch(`${fc.issuer}/jwks`)).json()).toEqual(jwksBefore);
    expect((await fc.introspect(tokens.access_token))?.login).toBe("test");
    expect(await rp.userInfo(tokens.access_token, sub)).toMatchObject({ family_name: "DUBOIS" });
    fc.restore({ unexpected: true });
    expect((await fc.introspect(tokens.access_token))?.login).toBe("test");
  });

  it("injects faults on the public routes through the admin API", async () => {
    const add = await fetch(`${server.url}/__admin/franceconnect/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ route: "^/token$", errorRatio: 1, errorStatuses: [503] }),
    });
    expect(add.status).toBe(201);
    const res = await fetch(`${fc.issuer}/token`, { method: "POST" });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: "server_error" });
    await fetch(`${server.url}/__admin/franceconnect/faults`, { method: "DELETE" });
    expect((await fetch(`${fc.issuer}/token`, { method: "POST" })).status).toBe(400);
  });
});
