import { z } from "zod";
import { fetchWithTimeout } from "../http.server";
import { HubeeError } from "./errors.server";

const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().default(3600),
});

export interface HubeeCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** OSL for the sender (this platform), SI for a receiving commune. */
  scope: "OSL" | "SI";
}

export interface HubeeTokenProvider {
  getToken(): Promise<string>;
  /** Forget the cached token (after a 401 from the gateway). */
  invalidate(): void;
}

/** Refresh a little before expiry so a token never dies between check and use. */
const EXPIRY_MARGIN_MS = 60_000;

/** OAuth2 client_credentials with HTTP Basic, cached until shortly before expiry. */
export function createHubeeTokenProvider(credentials: HubeeCredentials, now = () => Date.now()): HubeeTokenProvider {
  let cached: { token: string; expiresAt: number } | null = null;
  let inflight: Promise<string> | null = null;

  const fetchToken = async () => {
    const basic = Buffer.from(
      `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`,
    ).toString("base64");
    let response: Response;
    try {
      response = await fetchWithTimeout(credentials.tokenUrl, {
        method: "POST",
        timeoutMs: 10_000,
        headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", scope: credentials.scope }).toString(),
      });
    } catch (error) {
      throw new HubeeError("Service d'authentification HubEE injoignable", {
        status: null,
        transient: true,
        cause: error,
      });
    }
    if (!response.ok) {
      // 401/400 = wrong credentials (permanent); 5xx = the token service is down (transient).
      throw new HubeeError(`Authentification HubEE refusée (HTTP ${response.status})`, {
        status: response.status,
        transient: response.status >= 500 || response.status === 429,
        credentialsRejected: response.status === 400 || response.status === 401,
      });
    }
    const parsed = tokenResponse.safeParse(await response.json().catch(() => null));
    if (!parsed.success) {
      throw new HubeeError("Réponse du service d'authentification HubEE illisible", {
        status: response.status,
        transient: true,
      });
    }
    cached = { token: parsed.data.access_token, expiresAt: now() + parsed.data.expires_in * 1000 - EXPIRY_MARGIN_MS };
    return cached.token;
  };

  return {
    async getToken() {
      if (cached && cached.expiresAt > now()) return cached.token;
      inflight ??= fetchToken().finally(() => (inflight = null));
      return inflight;
    },
    invalidate() {
      cached = null;
    },
  };
}
