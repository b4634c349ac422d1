import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { WEBHOOK_SCHEMAS } from "../../app/webhooks/event-schemas.ts";

/**
 * A commune's system verifying our webhooks as the Standard Webhooks specification says, written
 * independently of app/webhooks (no import from there): HMAC-SHA256, keyed with the secret's
 * base64-decoded bytes, of "<webhook-id>.<webhook-timestamp>.<body>" with any of its secrets, a
 * timestamp within 5 minutes of its own clock, and each webhook-id processed once.
 */

export interface ReceivedWebhook {
  id: string;
  type: string;
  timestamp: number;
  signatures: string[];
  body: string;
  payload: Record<string, unknown>;
  /** Which of the receiver's secrets verified it (index), or -1. */
  verifiedWith: number;
}

export interface WebhookReceiver {
  url: string;
  /** Processed deliveries (verified, fresh, first time seen). */
  accepted: ReceivedWebhook[];
  /** Every request and the status answered, in order. */
  log: Array<{ status: number; reason: string; headers: http.IncomingHttpHeaders; body: string }>;
  /** The secrets this receiver accepts (change them to simulate its configuration). */
  secrets: string[];
  /** Forces the answer (e.g. 500, or a redirect) instead of verifying. */
  forceStatus: number | null;
  /** The receiver's clock, seconds (tests move it to play a late replay). */
  clock: () => number;
  close(): Promise<void>;
}

const TOLERANCE_SECONDS = 300;

export async function startWebhookReceiver(secrets: string[] = []): Promise<WebhookReceiver> {
  const seen = new Set<string>();
  const receiver: Omit<WebhookReceiver, "url" | "close"> = {
    accepted: [],
    log: [],
    secrets,
    forceStatus: null,
    clock: () => Math.floor(Date.now() / 1000),
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const answer = (status: number, reason: string) => {
        receiver.log.push({ status, reason, headers: request.headers, body });
        if (status >= 300 && status < 400) response.setHeader("Location", "http://127.0.0.1:1/elsewhere");
        response.writeHead(status, { "Content-Type": "text/plain" });
        response.end(reason);
      };
      if (receiver.forceStatus !== null) return answer(receiver.forceStatus, "forced");
      const id = String(request.headers["webhook-id"] ?? "");
      const timestamp = Number(request.headers["webhook-timestamp"]);
      const header = String(request.headers["webhook-signature"] ?? "");
      const signatures = header
        .split(" ")
        .filter((part) => part.startsWith("v1,"))
        .map((part) => part.slice("v1,".length));
      if (!Number.isInteger(timestamp)) return answer(400, "missing timestamp");
      const verifiedWith = receiver.secrets.findIndex((secret) => {
        const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
        const expected = crypto.createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
        return signatures.some((candidate) => {
          const given = Buffer.from(candidate, "base64");
          return given.length === expected.length && crypto.timingSafeEqual(given, expected);
        });
      });
      if (verifiedWith === -1) return answer(401, "bad signature");
      if (Math.abs(receiver.clock() - timestamp) > TOLERANCE_SECONDS) return answer(400, "stale timestamp");
      // Idempotency: an id already processed is acknowledged, not processed again.
      if (seen.has(id)) return answer(200, "duplicate");
      seen.add(id);
      const payload = JSON.parse(body) as Record<string, unknown>;
      receiver.accepted.push({
        id,
        type: String(request.headers["webhook-event"]),
        timestamp,
        signatures,
        body,
        payload,
        verifiedWith,
      });
      return answer(204, "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();

/** Validates a payload against the JSON Schema of its type; returns Ajv's errors (empty when valid). */
export function schemaErrors(payload: unknown): string[] {
  const type = (payload as { type?: string }).type ?? "";
  const schema = (WEBHOOK_SCHEMAS as Record<string, object>)[type];
  if (!schema) return [`no schema for type ${type}`];
  let validate = validators.get(type);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(type, validate);
  }
  return validate(payload) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
