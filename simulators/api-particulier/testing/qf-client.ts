import type { QfRequestParams } from "../civility-params.ts";

export const DINUM_SIRET = "13002526500013";

/** Query string the way clients send it: `prenoms[]` repeated, everything form-encoded. */
export function qfQuery(params: QfRequestParams & { recipient?: string }): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) search.append(`${key}[]`, item);
    else search.append(key, value);
  }
  return search.toString();
}

export interface QfResponse {
  status: number;
  headers: Headers;
  body: unknown;
  durationMs: number;
}

export async function getJson(url: string, token?: string, init: RequestInit = {}): Promise<QfResponse> {
  const started = performance.now();
  const response = await fetch(url, {
    ...init,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
    durationMs: performance.now() - started,
  };
}

export async function postJson(url: string, body: unknown): Promise<QfResponse> {
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
    durationMs: performance.now() - started,
  };
}

export function errorCodes(body: unknown): string[] {
  return ((body as { errors?: Array<{ code: string }> }).errors ?? []).map((e) => e.code);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
