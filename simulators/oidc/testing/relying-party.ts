import * as client from "openid-client";
import { TestBrowser, type Navigation } from "./test-browser.ts";

export interface DemoClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

/**
 * The app's side of the flows in tests: an openid-client configuration for the
 * demo client (signatures of the id_token and userinfo JWTs checked against
 * the provider's jwks) and a browser that stops when sent back to the app.
 */
export class RelyingParty {
  readonly browser: TestBrowser;

  private constructor(
    readonly config: client.Configuration,
    readonly demo: DemoClient,
  ) {
    this.browser = new TestBrowser(new URL(demo.redirectUris[0] ?? "").origin);
  }

  static async discover(
    issuer: string,
    demo: DemoClient,
    auth: "client_secret_post" | "client_secret_basic" = "client_secret_post",
  ): Promise<RelyingParty> {
    const config = await client.discovery(
      new URL(issuer),
      demo.clientId,
      {
        client_secret: demo.clientSecret,
        id_token_signed_response_alg: "ES256",
        userinfo_signed_response_alg: "ES256",
      },
      auth === "client_secret_post"
        ? client.ClientSecretPost(demo.clientSecret)
        : client.ClientSecretBasic(demo.clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    client.enableNonRepudiationChecks(config);
    return new RelyingParty(config, demo);
  }

  get redirectUri(): string {
    return this.demo.redirectUris[0] ?? "";
  }

  /**
   * An authorization request with PKCE S256, fresh state and nonce; `params`
   * overrides them, and a param set to undefined is left out.
   */
  async authorizationRequest(params: Record<string, string | undefined> = {}) {
    const verifier = client.randomPKCECodeVerifier();
    const all: Record<string, string | undefined> = {
      redirect_uri: this.redirectUri,
      scope: "openid",
      state: client.randomState(),
      nonce: client.randomNonce(),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      ...params,
    };
    const defined = Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
    return {
      url: client.buildAuthorizationUrl(this.config, defined),
      state: defined.state,
      nonce: defined.nonce,
      verifier,
    };
  }

  /** Exchanges the code of a callback URL; checks state, nonce and PKCE. */
  exchange(callbackUrl: string, request: { state?: string; nonce?: string; verifier: string }) {
    return client.authorizationCodeGrant(this.config, new URL(callbackUrl), {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
  }

  userInfo(accessToken: string, sub: string) {
    return client.fetchUserInfo(this.config, accessToken, sub);
  }

  endSessionUrl(params: Record<string, string>): URL {
    return client.buildEndSessionUrl(this.config, params);
  }

  /** Opens the authorization URL and returns the login page (or the early redirect). */
  open(url: URL): Promise<Navigation> {
    return this.browser.navigate(url.href);
  }
}
