import { z } from "zod";
import { parseQuotientFamilialResponse } from "~/integrations/api-particulier/quotient-familial-response";
import { type QuotientFamilialData } from "~/domain/quotient-familial";
import { fetchWithTimeout, HttpNetworkError, HttpTimeoutError, retryAfterMs } from "../http.server";

/**
 * API Particulier v3, quotient familial. Every answer becomes an outcome the
 * caller can show a page for; nothing here throws for a response of the API.
 */

/** API Particulier waits up to 10 s for CNAF/MSA: wait a little longer than it does. */
export const API_PARTICULIER_TIMEOUT_MS = 11_000;

export type QuotientFamilialOutcome =
  | { kind: "ok"; data: QuotientFamilialData }
  | { kind: "not_found"; code: string | null }
  | { kind: "provider_unavailable"; status: number | null; code: string | null; retryInMs: number | null }
  | { kind: "rate_limited"; retryAfterMs: number }
  | { kind: "unauthorized"; status: 401 | 403; code: string | null }
  | {
      kind: "invalid_request";
      status: number;
      code: string | null;
      detail: string | null;
      /** The query parameters the API named as faulty (`source.parameter`), when it did. */
      parameters: string[];
    }
  | { kind: "invalid_response"; status: number };

const errorEnvelope = z.object({
  errors: z
    .array(
      z.object({
        code: z.union([z.string(), z.number()]).transform(String).optional(),
        detail: z.string().nullish(),
        source: z.object({ parameter: z.string().nullish() }).partial().passthrough().nullish(),
        meta: z.object({ retry_in: z.number().nullish() }).partial().passthrough().nullish(),
      }),
    )
    .min(1),
});

export interface ApiParticulierClient {
  /** The FranceConnect route: call it right after the token exchange (the token lives 60 s). */
  quotientFamilialWithFranceConnect(accessToken: string, recipientSiret: string): Promise<QuotientFamilialOutcome>;
  /** The pivot identity route, with the commune's own API Particulier token. */
  quotientFamilialWithIdentity(token: string, params: URLSearchParams): Promise<QuotientFamilialOutcome>;
}

export function createApiParticulierClient(
  baseUrl: string,
  { timeoutMs = API_PARTICULIER_TIMEOUT_MS }: { timeoutMs?: number } = {},
): ApiParticulierClient {
  const call = async (path: string, token: string, params: URLSearchParams): Promise<QuotientFamilialOutcome> => {
    const url = `${baseUrl.replace(/\/$/, "")}${path}?${params.toString()}`;
    let response: Response;
    try {
      response = await fetchWithTimeout(url, {
        timeoutMs,
        headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
      });
    } catch (error) {
      if (error instanceof HttpTimeoutError || error instanceof HttpNetworkError) {
        return { kind: "provider_unavailable", status: null, code: null, retryInMs: null };
      }
      throw error;
    }
    return interpretResponse(response);
  };
  return {
    quotientFamilialWithFranceConnect: (accessToken, recipientSiret) =>
      call("/v3/dss/quotient_familial/france_connect", accessToken, new URLSearchParams({ recipient: recipientSiret })),
    quotientFamilialWithIdentity: (token, params) => call("/v3/dss/quotient_familial/identite", token, params),
  };
}

/**
 * A Retry-After beyond this is not believed: a day covers API Particulier's 12-hour ban, while a
 * broken header ("99999999") would otherwise pause the commune's token, and its campaign, for years.
 */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

export async function interpretResponse(response: Response): Promise<QuotientFamilialOutcome> {
  const status = response.status;
  let text: string;
  try {
    text = await response.text();
  } catch {
    // The answer was cut (timeout or connection lost while reading it): a provider hiccup,
    // worth a retry, not a malformed answer.
    return { kind: "provider_unavailable", status: null, code: null, retryInMs: null };
  }
  const body = parseJsonOrNull(text);
  if (status === 200) {
    const parsed = parseQuotientFamilialResponse(body);
    return parsed.success ? { kind: "ok", data: parsed.data } : { kind: "invalid_response", status };
  }
  const envelope = errorEnvelope.safeParse(body);
  const first = envelope.success ? envelope.data.errors[0] : undefined;
  const code = first?.code ?? null;
  if (status === 404) return { kind: "not_found", code };
  if (status === 429) {
    const wait = retryAfterMs(response.headers.get("retry-after")) ?? 1_000;
    return { kind: "rate_limited", retryAfterMs: Math.min(wait, MAX_RETRY_AFTER_MS) };
  }
  if (status === 401 || status === 403) return { kind: "unauthorized", status, code };
  // 409: the same request is already running for this token; like a provider hiccup, it is worth a retry.
  if (status === 409 || status === 502 || status === 503 || status === 504) {
    const retryIn = first?.meta?.retry_in;
    return {
      kind: "provider_unavailable",
      status,
      code,
      retryInMs: typeof retryIn === "number" ? retryIn * 1000 : null,
    };
  }
  if (status >= 400 && status < 500) {
    const parameters = (envelope.success ? envelope.data.errors : [])
      .map((error) => error.source?.parameter)
      .filter((parameter): parameter is string => typeof parameter === "string" && parameter !== "");
    return { kind: "invalid_request", status, code, detail: first?.detail ?? null, parameters };
  }
  return { kind: "provider_unavailable", status, code, retryInMs: null };
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
