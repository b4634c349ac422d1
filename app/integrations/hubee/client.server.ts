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

/**
 * HubEE's error envelope is `{"errors":[{"code","message"}]}`, a few hundred bytes: 4 KiB is
 * plenty to read the code, and a gateway's HTML page or an endless body cannot hold the call.
 */
export const ERROR_BODY_LIMIT = 4 * 1024;
/**
 * A notification page or a case with its events is a few KB: 10 MiB leaves a wide margin while
 * keeping one answer from filling the worker's memory.
 */
export const JSON_BODY_LIMIT = 10 * 1024 * 1024;

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
  /** Same, and parses the JSON answer. Throws HubeeError, also when the body cannot be read. */
  requestJson<T>(request: HubeeRequest): Promise<T>;
}

export interface ReadBody {
  content: Buffer;
  /** The body went beyond `maxBytes`: `content` holds its first `maxBytes` bytes only. */
  overflow: boolean;
}

/**
 * Reads a response body, `maxBytes` at most: bytes are counted as they arrive, so a body
 * without Content-Length cannot grow past the bound either; the rest is cancelled. A failure
 * while reading (the request's timeout, which also covers the body, or a connection cut) is a
 * transient HubeeError with status null: what HubEE answered is unknown, as after a timeout.
 */
export async function readResponseBody(response: Response, maxBytes: number, what: string): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  let total = 0;
  if (!response.body) return { content: Buffer.alloc(0), overflow: false };
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { content: Buffer.concat(chunks, total), overflow: false };
      const room = maxBytes - total;
      if (value.byteLength > room) {
        chunks.push(Buffer.from(value.buffer, value.byteOffset, room));
        total += room;
        // Frees the connection; a failure to cancel changes nothing to what we have read.
        await reader.cancel().catch(() => {});
        return { content: Buffer.concat(chunks, total), overflow: true };
      }
      chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      total += value.byteLength;
    }
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError");
    throw new HubeeError(
      `${timedOut ? "Délai dépassé" : "Connexion interrompue"} en lisant la réponse HubEE (${what})`,
      {
        status: null,
        transient: true,
        cause: error,
      },
    );
  } finally {
    reader.releaseLock();
  }
}

/** Cancels a body we will not read, so its connection goes back to the pool. */
const discardBody = (response: Response) => response.body?.cancel().catch(() => {});

export function createHubeeClient({
  apiUrl,
  tokens,
  softwareVersion = "0.1.0",
  api = "teledossiers",
}: {
  apiUrl: string;
  tokens: HubeeTokenProvider;
  softwareVersion?: string;
  /** HubEE's folder API, or its referential API (subscriptions), which share the gateway and token. */
  api?: "teledossiers" | "referential";
}): HubeeClient {
  const base = `${apiUrl.replace(/\/$/, "")}/${api}/v1`;

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

  /** HubEE's error code, when its body says one; never more than ERROR_BODY_LIMIT bytes read. */
  const errorCode = async (response: Response, req: HubeeRequest) => {
    try {
      const { content, overflow } = await readResponseBody(response, ERROR_BODY_LIMIT, `${req.method} ${req.path}`);
      if (overflow) return undefined; // not HubEE's envelope, and truncated JSON does not parse
      const parsed = errorBody.safeParse(JSON.parse(content.toString("utf8")));
      return parsed.success ? parsed.data.errors[0] : undefined;
    } catch {
      // Unreadable or not JSON: the HTTP status alone classifies the error.
      return undefined;
    }
  };

  const request = async (req: HubeeRequest): Promise<Response> => {
    let response = await send(req, await tokens.getToken());
    if (response.status === 401) {
      // The gateway answers 401 900901 for an expired token: renew once, then give up.
      await discardBody(response);
      tokens.invalidate();
      response = await send(req, await tokens.getToken());
    }
    if (response.ok) return response;
    const first = await errorCode(response, req);
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
      const what = `${req.method} ${req.path}`;
      const { content, overflow } = await readResponseBody(response, JSON_BODY_LIMIT, what);
      try {
        if (overflow) throw new Error(`more than ${JSON_BODY_LIMIT} bytes`);
        return JSON.parse(content.toString("utf8")) as T;
      } catch (error) {
        // Transient, status null: an empty, cut or non-JSON answer to a 2xx comes from the path
        // (a gateway's page, a connection closed early), not from our request, and the call may
        // have taken effect at HubEE (a POST /folders) without our knowing its result, exactly as
        // after a timeout. Callers then retry with their own bounds (the outbox's attempts, the
        // inbox's next run); an answer that is JSON but not the documented shape stays permanent
        // (the callers' schema checks).
        throw new HubeeError(`Réponse HubEE illisible (${what}, HTTP ${response.status})`, {
          status: null,
          transient: true,
          cause: error,
        });
      }
    },
  };
}
