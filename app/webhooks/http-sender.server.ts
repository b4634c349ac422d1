import http from "node:http";
import https from "node:https";
import net from "node:net";
import { BlockedAddressError, resolveTarget, type Resolver } from "./address-guard.server";

/**
 * One POST to a commune's endpoint, with node:http(s) rather than fetch so the socket connects
 * to the very address the guard checked (never a second DNS resolution that a rebinding attack
 * could answer differently). No redirect is followed (a 3xx is a failed attempt), the whole exchange is bounded
 * by a timeout, and at most a few kilobytes of the answer are read, then dropped.
 */

export const WEBHOOK_TIMEOUT_MS = 5_000;
const MAX_RESPONSE_BYTES = 4_096;

export interface SendOptions {
  allowPrivate: boolean;
  timeoutMs?: number;
  resolver?: Resolver;
}

export type SendResult =
  | { ok: true; status: number; durationMs: number }
  | { ok: false; status: number | null; error: string; durationMs: number; permanent: boolean };

export async function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: SendOptions,
): Promise<SendResult> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, status: null, error: "URL invalide", durationMs: 0, permanent: true };
  }
  if (target.protocol !== "https:" && !(options.allowPrivate && target.protocol === "http:")) {
    return { ok: false, status: null, error: "seules les URL https:// sont acceptées", durationMs: 0, permanent: true };
  }
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  let resolved;
  try {
    resolved = await resolveTarget(target.hostname, options);
  } catch (error) {
    const blocked = error instanceof BlockedAddressError;
    return {
      ok: false,
      status: null,
      error: blocked ? error.message : "résolution DNS impossible",
      durationMs: elapsed(),
      // A refused address is refused again on retry, unless DNS changes: not worth 12 attempts.
      permanent: blocked && !error.message.includes("DNS"),
    };
  }

  const bareHost = target.hostname.replace(/^\[|\]$/g, "");
  const transport = target.protocol === "https:" ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = transport.request(
      target,
      {
        method: "POST",
        // Connect to the checked address itself; the name still goes in Host and in TLS (SNI and
        // certificate check), so the receiver and its certificate are verified as usual.
        hostname: resolved.address,
        family: resolved.family,
        servername: net.isIP(bareHost) ? undefined : bareHost,
        headers: { ...headers, Host: target.host, "Content-Length": String(Buffer.byteLength(body)) },
        agent: false,
      },
      (response) => {
        let read = 0;
        const status = response.statusCode ?? 0;
        const done = () => {
          response.destroy();
          if (status >= 200 && status < 300) finish({ ok: true, status, durationMs: elapsed() });
          else
            finish({
              ok: false,
              status,
              error:
                status >= 300 && status < 400
                  ? `redirection ${status} non suivie`
                  : `réponse HTTP ${status} (2xx attendu)`,
              durationMs: elapsed(),
              permanent: false,
            });
        };
        response.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read >= MAX_RESPONSE_BYTES) done();
        });
        response.on("end", done);
        response.on("error", done);
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      finish({
        ok: false,
        status: null,
        error: `pas de réponse en ${timeoutMs / 1000} s`,
        durationMs: elapsed(),
        permanent: false,
      });
    }, timeoutMs);
    request.on("error", (error: NodeJS.ErrnoException) => {
      finish({
        ok: false,
        status: null,
        error: `échec de connexion (${error.code ?? error.name})`,
        durationMs: elapsed(),
        permanent: false,
      });
    });
    request.end(body);
  });
}
