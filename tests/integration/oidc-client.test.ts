import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createOidcClient,
  OidcLoginError,
  type OidcClient,
  type PendingLogin,
} from "../../app/auth/oidc-client.server.ts";
import { PROCONNECT_SCOPES } from "../../app/auth/proconnect.server.ts";
import { demoProConnectClient } from "../../simulators/demo-data.ts";
import type { OidcSimulator } from "../../simulators/oidc/oidc-simulator.ts";
import { TestBrowser } from "../../simulators/oidc/testing/test-browser.ts";
import { serveModules, type TestServer } from "../../simulators/oidc/testing/serve-modules.ts";
import { createProConnectSimulator } from "../../simulators/proconnect/index.ts";

/**
 * The app's relying party (app/auth/oidc-client.server.ts) against the ProConnect simulator:
 * what it accepts, and that it refuses a callback or a userinfo that is not the provider's own.
 */
const APP_URL = "http://localhost:3000";
let server: TestServer<{ pc: OidcSimulator }>;
let client: OidcClient;

beforeAll(async () => {
  server = await serveModules(async (url) => ({
    pc: await createProConnectSimulator({ issuer: `${url}/proconnect/api/v2`, appUrl: APP_URL }),
  }));
  const demo = demoProConnectClient(APP_URL);
  client = createOidcClient({
    issuer: server.modules.pc.issuer,
    clientId: demo.clientId,
    clientSecret: demo.clientSecret,
    redirectUri: demo.redirectUris[0]!,
    postLogoutRedirectUri: demo.postLogoutRedirectUris[0]!,
    scope: PROCONNECT_SCOPES,
    allowInsecureRequests: true,
  });
});
afterAll(() => server.close());
afterEach(() => vi.unstubAllGlobals());

/** Starts a login and signs Claire Lefebvre in on the simulator's page; returns the callback URL. */
async function signIn(): Promise<{ callback: URL; pending: PendingLogin; authorize: URL }> {
  const { url, pending } = await client.startLogin();
  const browser = new TestBrowser(APP_URL);
  const page = await browser.navigate(url.href);
  const back = await browser.submit(`${page.url}/login`, { email: "claire.lefebvre@angers.fr" });
  return { callback: new URL(back.url), pending, authorize: url };
}

const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "accepted",
    (error: unknown) => (error instanceof OidcLoginError ? error.reason : `unexpected: ${String(error)}`),
  );

describe("OIDC relying party (ProConnect)", () => {
  it("sends state, nonce (≥ 32 chars) and a S256 PKCE challenge, and returns verified claims", async () => {
    const { callback, pending, authorize } = await signIn();
    expect(pending.state.length).toBeGreaterThanOrEqual(32);
    expect(pending.nonce.length).toBeGreaterThanOrEqual(32);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    const login = await client.finishLogin(callback, pending);
    expect(login.idTokenClaims).toMatchObject({ nonce: pending.nonce, aud: "portail-qf-demo-agents" });
    expect(login.userinfo).toMatchObject({ email: "claire.lefebvre@angers.fr", uid: "agent-angers-admin" });
  });

  it("refuses a callback whose state is not the one it sent", async () => {
    const { callback, pending } = await signIn();
    expect(await reasonOf(client.finishLogin(callback, { ...pending, state: `${pending.state}x` }))).toBe(
      "invalid_callback",
    );
  });

  it("refuses an id_token whose nonce is not the one it sent", async () => {
    const { callback, pending } = await signIn();
    expect(await reasonOf(client.finishLogin(callback, { ...pending, nonce: `${pending.nonce}x` }))).toBe(
      "invalid_callback",
    );
  });

  it("refuses to redeem a code without the PKCE verifier it was issued for", async () => {
    const { callback, pending } = await signIn();
    const other = (await client.startLogin()).pending.codeVerifier;
    expect(await reasonOf(client.finishLogin(callback, { ...pending, codeVerifier: other }))).toBe("invalid_callback");
  });

  it("refuses an error redirect that does not carry its state, and reads a cancel as cancelled", async () => {
    const { pending } = await client.startLogin();
    const forged = new URL(`${APP_URL}/portail/auth/callback?error=access_denied&state=autre`);
    expect(await reasonOf(client.finishLogin(forged, pending))).toBe("invalid_callback");
    const cancel = new URL(`${APP_URL}/portail/auth/callback?error=access_denied&state=${pending.state}`);
    expect(await reasonOf(client.finishLogin(cancel, pending))).toBe("cancelled");
  });

  it("refuses a userinfo JWT signed by another key, even with the right claims", async () => {
    const { callback, pending } = await signIn();
    const { privateKey } = await generateKeyPair("ES256");
    const realFetch = globalThis.fetch;
    let intercepted = 0;
    // A man in the middle answers userinfo with the same claims, signed with its own key.
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await realFetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (!url.endsWith("/userinfo")) return response;
      intercepted++;
      const real = await response.text();
      // Same claims and the provider's own key id: only the signature tells them apart.
      const forged = await new SignJWT({ ...decodeJwt(real), email: "intrus@example.fr" })
        .setProtectedHeader({ alg: "ES256", kid: decodeProtectedHeader(real).kid })
        .sign(privateKey);
      return new Response(forged, { status: 200, headers: { "content-type": "application/jwt" } });
    });
    expect(await reasonOf(client.finishLogin(callback, pending))).toBe("provider_error");
    expect(intercepted).toBe(1);
  });
});

describe("a provider that goes down after discovery", () => {
  it("is found unreachable before the person is sent to it", async () => {
    const provider = await serveModules(async (url) => ({
      pc: await createProConnectSimulator({ issuer: `${url}/proconnect/api/v2`, appUrl: APP_URL }),
    }));
    const demo = demoProConnectClient(APP_URL);
    const settings = {
      issuer: provider.modules.pc.issuer,
      clientId: demo.clientId,
      clientSecret: demo.clientSecret,
      redirectUri: demo.redirectUris[0]!,
      postLogoutRedirectUri: demo.postLogoutRedirectUris[0]!,
      scope: PROCONNECT_SCOPES,
      allowInsecureRequests: true,
      reachabilityCacheMs: 0,
    };
    const probed = createOidcClient(settings);
    // Discovery happens, and the provider answers: the login starts.
    expect((await probed.startLogin()).url.origin).toBe(new URL(provider.modules.pc.issuer).origin);
    await provider.close();
    // Discovery is cached, but the provider is gone: no URL to a dead provider, a typed error instead.
    const failure = await probed.startLogin().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OidcLoginError);
    expect((failure as OidcLoginError).reason).toBe("unavailable");
  });
});
