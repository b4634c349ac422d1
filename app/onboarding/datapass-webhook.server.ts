import type { Database } from "../../db/client.ts";
import { checkRateLimit, rateLimitKey, type RateLimitOptions } from "~/http/rate-limit.server";
import { logger } from "~/utils/logger.server";
import { processDataPassDelivery, type InviteFirstAdministrator } from "./datapass-onboarding.server";
import { approvalDataSchema, deliveryEnvelopeSchema, testDeliverySchema } from "./datapass-payload";
import { hmacHex, SIGNATURE_HEADER, verifyHubSignature } from "./hub-signature.server";

/**
 * POST /api/datapass/webhook, in the order that costs an attacker the most and
 * us the least: rate limit, bounded body, signature, JSON and schema, time
 * window, then replay and processing in one transaction (see app/api/openapi.yaml).
 */

/** DataPass bodies are a few kilobytes (with the SIRENE record): far more is not DataPass. */
export const MAX_BODY_BYTES = 256 * 1024;
/**
 * A delivery fired longer ago than this is refused. DataPass retries a delivery we did not
 * acknowledge (our server down for a while), so the bound is days, not minutes: a replay within it
 * is caught by its signature, stored with every delivery received (webhook_deliveries, never purged
 * sooner), and answered with what the first delivery did.
 */
export const MAX_AGE_MS = 3 * 24 * 60 * 60 * 1000;
/** Clocks differ a little between DataPass and us. */
export const MAX_CLOCK_SKEW_MS = 60 * 1000;
export const WEBHOOK_RATE_LIMIT: RateLimitOptions = { limit: 60, windowMs: 60 * 1000 };

export interface WebhookDependencies {
  db: Database;
  secret: string;
  clientIp: string;
  requestId?: string | null;
  now?: () => Date;
  invite?: InviteFirstAdministrator;
}

const log = logger.child({ component: "datapass-webhook" });

function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

export async function handleDataPassWebhook(request: Request, deps: WebhookDependencies): Promise<Response> {
  const limit = checkRateLimit(rateLimitKey("datapass-webhook", deps.clientIp), WEBHOOK_RATE_LIMIT);
  if (!limit.allowed) {
    return json({ error: "Too many requests" }, 429, { "Retry-After": String(limit.retryAfterSeconds) });
  }

  const rawBody = await readBody(request, MAX_BODY_BYTES);
  if (!rawBody) return json({ error: "Payload too large" }, 413);

  if (!verifyHubSignature(rawBody, request.headers.get(SIGNATURE_HEADER), deps.secret)) {
    log.warn({ requestId: deps.requestId }, "signature DataPass invalide");
    return json({ error: "Invalid signature" }, 401);
  }

  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(rawBody).toString("utf8"));
  } catch {
    return json({ error: "Malformed JSON" }, 400);
  }
  // DataPass checks a new webhook with a signed test body: answer 200, do nothing.
  if (testDeliverySchema.safeParse(body).success) return json({ status: "ignored" }, 200);

  const envelope = deliveryEnvelopeSchema.safeParse(body);
  if (!envelope.success) return json(invalidPayload(envelope.error.issues), 400);
  const approval = envelope.data.event === "approve" ? approvalDataSchema.safeParse(envelope.data.data) : null;
  if (approval && !approval.success) return json(invalidPayload(approval.error.issues, ["data"]), 400);

  const now = (deps.now ?? (() => new Date()))().getTime();
  const firedAt = envelope.data.fired_at.getTime();
  if (now - firedAt > MAX_AGE_MS) return json({ error: "Stale delivery" }, 400);
  if (firedAt - now > MAX_CLOCK_SKEW_MS) return json({ error: "Delivery timestamp is in the future" }, 400);

  const result = await processDataPassDelivery(
    deps.db,
    { signature: hmacHex(deps.secret, rawBody), envelope: envelope.data, approval: approval?.data ?? null },
    { requestId: deps.requestId, invite: deps.invite },
  );
  const facts = { requestId: deps.requestId, event: envelope.data.event, modelId: envelope.data.model_id };
  switch (result.kind) {
    case "replayed":
      // DataPass retries until it gets a 2xx: the same answer as the first time, and nothing done twice.
      log.info({ ...facts, outcome: result.outcome }, "livraison DataPass déjà reçue");
      if (result.outcome === "ignored" || !result.collectivity) return json({ status: result.outcome }, 200);
      return json(
        {
          status: result.outcome,
          collectivity: { siret: result.collectivity.siret, status: result.collectivity.status },
          administrator_invitation: "not_sent",
        },
        200,
      );
    case "ignored":
      log.info(facts, "événement DataPass ignoré");
      return json({ status: "ignored" }, 200);
    case "processed":
      // The SIRET of a public body is public; the applicant's identity never goes to logs.
      log.info(
        { ...facts, outcome: result.outcome, siret: result.collectivity.siret, invitation: result.invitation },
        "habilitation DataPass traitée",
      );
      return json(
        {
          status: result.outcome,
          collectivity: { siret: result.collectivity.siret, status: result.collectivity.status },
          administrator_invitation: result.invitation ?? "not_sent",
        },
        200,
      );
  }
}

/**
 * The body's bytes, or null past `maxBytes`: read chunk by chunk so an endless
 * body is cut off instead of filling memory. The raw bytes are what DataPass signed.
 */
async function readBody(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return null;
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Where the payload is wrong, without echoing values (they may be personal). */
function invalidPayload(issues: { path: PropertyKey[]; message: string }[], prefix: string[] = []) {
  return {
    error: "Invalid payload",
    details: issues.slice(0, 10).map((issue) => ({
      path: [...prefix, ...issue.path.map(String)].join("."),
      message: issue.message,
    })),
  };
}
