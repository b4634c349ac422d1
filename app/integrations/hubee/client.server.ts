import { z } from "zod";
import { fetchWithTimeout, HttpNetworkError, HttpTimeoutError } from "../http.server";
import { HubeeError } from "./errors.server";
import type { HubeeTokenProvider } from "./token.server";

const errorBody = z.object({
  errors: z
    .array(z.object({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional() }))
    .min(1),
});

/** Code of the API gateway for an expired or invalid token. */
const GATEWAY_INVALID_TOKEN = 900901;

export interface HubeeRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  json?: unknown;
  body?: Buffer;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface HubeeClient {
  /** Calls the teledossiers API; renews the token once on a gateway 401. Throws HubeeError. */
  request(request: HubeeRequest): Promise<Response>;
  requestJson<T>(request: HubeeRequest): Promise<T>;
}

export function createHubeeClient({
  apiUrl,
  tokens,
  softwareVersion = "0.1.0",
}: {
  apiUrl: string;
  tokens: HubeeTokenProvider;
  softwareVersion?: string;
}): HubeeClient {
  const base = `${apiUrl.replace(/\/$/, "")}/teledossiers/v1`;

  const send = async (request: HubeeRequest, token: string) => {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      // Optional tracing headers HubEE asks integrators to send.
      editorName: "Portail QF",
      applicationName: "portail-qf",
      softwareVersion,
      ...request.headers,
    };
    let body: string | Uint8Array<ArrayBuffer> | undefined = request.body ? new Uint8Array(request.body) : undefined;
    if (request.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(request.json);
    }
    try {
      return await fetchWithTimeout(`${base}${request.path}`, {
        method: request.method,
        headers,
        body,
        timeoutMs: request.timeoutMs ?? 15_000,
      });
    } catch (error) {
      if (error instanceof HttpTimeoutError || error instanceof HttpNetworkError) {
        throw new HubeeError(`HubEE injoignable (${request.method} ${request.path})`, {
          status: null,
          transient: true,
          cause: error,
        });
      }
      throw error;
    }
  };

  const request = async (req: HubeeRequest): Promise<Response> => {
    let response = await send(req, await tokens.getToken());
    if (response.status === 401) {
      // The gateway answers 401 900901 for an expired token: renew once, then give up.
      tokens.invalidate();
      response = await send(req, await tokens.getToken());
    }
    if (response.ok) return response;
    const parsed = errorBody.safeParse(await response.json().catch(() => null));
    const first = parsed.success ? parsed.data.errors[0] : undefined;
    const status = response.status;
    // HubEE's own text stays out of the message (which is logged and stored): a validation
    // error may quote the folder's values, i.e. the applicant. Its code says enough to act.
    throw new HubeeError(
      `HubEE a refusé ${req.method} ${req.path} (HTTP ${status})${first?.code ? `, code ${first.code}` : ""}`,
      {
        status,
        code: first?.code ?? null,
        transient: status >= 500 || status === 429 || (status === 401 && first?.code === GATEWAY_INVALID_TOKEN),
      },
    );
  };

  return {
    request,
    async requestJson<T>(req: HubeeRequest) {
      const response = await request(req);
      return (await response.json()) as T;
    },
  };
}
