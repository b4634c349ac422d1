import crypto from "node:crypto";
import { recordAudit } from "~/audit/audit.server";
import { cogCommunes } from "~/geo/insee-cog.server";
import { checkRateLimit, rateLimitKey, type RateLimitOptions } from "~/http/rate-limit.server";
import { isValidSiret } from "~/utils/siret";
import { logger } from "~/utils/logger.server";
import type { DbExecutor } from "../../db/client.ts";
import { collectivities, type Collectivity } from "../../db/schema/index.ts";
import { CODE_COG_PATTERN } from "./public-collectivities.server";

/**
 * POST /api/collectivites: API Particulier's back office registers a commune whose habilitation it
 * granted, as it does with the national form. Same contract, byte for the bytes it reads: a Bearer
 * key compared in constant time (401 otherwise, Rails' text), `{"collectivity": {…}}` as JSON or as
 * a form (`collectivity[name]=…`), 201 with the collectivity, 409 when the SIRET exists, 422 with
 * Rails' French messages per field. The call is audited (no personal data: a commune is public).
 */

export const REGISTRATION_RATE_LIMIT: RateLimitOptions = { limit: 30, windowMs: 60 * 1000 };
const MAX_BODY_BYTES = 64 * 1024;
const FIELDS = ["name", "siret", "code_cog", "status", "editor", "departement"] as const;
type Field = (typeof FIELDS)[number];

const BLANK = "doit être rempli(e)";
const INVALID = "n'est pas valide";
const NOT_IN_LIST = "n'est pas inclus(e) dans la liste";
const TAKEN = "est déjà utilisé(e)";

export interface RegistrationDependencies {
  db: DbExecutor;
  /** API_COLLECTIVITES_KEY; undefined: the endpoint refuses every call. */
  apiKey: string | undefined;
  clientIp: string;
  requestId?: string | null;
}

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });

/** Rails' authenticate_or_request_with_http_token answer, which the back office already knows. */
const unauthorized = () =>
  new Response("HTTP Token: Access denied.\n", {
    status: 401,
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "WWW-Authenticate": 'Token realm="Application"',
      "Cache-Control": "no-store",
    },
  });

/** `Bearer <key>`, or Rails' `Token token="<key>"` / `Token <key>`. */
function presentedKey(header: string | null): string | null {
  if (!header) return null;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1]!;
  const token = /^Token\s+(?:token=)?"?([^",\s]+)"?/i.exec(header);
  return token ? token[1]! : null;
}

/** Constant time whatever the lengths: both sides are hashed first. */
function sameKey(given: string, expected: string): boolean {
  const digest = (value: string) => crypto.createHash("sha256").update(value, "utf8").digest();
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

async function readFields(request: Request): Promise<Partial<Record<Field, unknown>> | null> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) return null;
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") {
    const body: unknown = JSON.parse(await request.text());
    const inner = typeof body === "object" && body !== null ? (body as { collectivity?: unknown }).collectivity : null;
    return typeof inner === "object" && inner !== null && !Array.isArray(inner)
      ? (inner as Partial<Record<Field, unknown>>)
      : null;
  }
  const form = await request.formData();
  const fields: Partial<Record<Field, unknown>> = {};
  for (const field of FIELDS) {
    const value = form.get(`collectivity[${field}]`);
    if (typeof value === "string") fields[field] = value;
  }
  return Object.keys(fields).length > 0 ? fields : null;
}

const text = (value: unknown) =>
  typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";

export async function registerCollectivity(request: Request, deps: RegistrationDependencies): Promise<Response> {
  const limit = checkRateLimit(rateLimitKey("api-collectivites", deps.clientIp), REGISTRATION_RATE_LIMIT);
  if (!limit.allowed)
    return json({ error: "Too many requests" }, 429, { "Retry-After": String(limit.retryAfterSeconds) });

  const given = presentedKey(request.headers.get("authorization"));
  if (!deps.apiKey || !given || !sameKey(given, deps.apiKey)) return unauthorized();

  let fields: Partial<Record<Field, unknown>> | null;
  try {
    fields = await readFields(request);
  } catch {
    return json({ status: 400, error: "Bad Request" }, 400);
  }
  if (!fields) return json({ error: "param is missing or the value is empty: collectivity" }, 400);

  const errors: Partial<Record<Field, string[]>> = {};
  const add = (field: Field, message: string) => (errors[field] ??= []).push(message);
  const name = text(fields.name);
  const siret = text(fields.siret).replace(/\s/g, "");
  const codeCog = text(fields.code_cog).toUpperCase();
  const status = text(fields.status) || "active";
  const editor = text(fields.editor) || null;
  if (!name) add("name", BLANK);
  if (!siret) add("siret", BLANK);
  else if (!isValidSiret(siret)) add("siret", INVALID);
  const commune = codeCog ? cogCommunes().get(codeCog) : undefined;
  if (!codeCog) add("code_cog", BLANK);
  else if (!CODE_COG_PATTERN.test(codeCog) || !commune) add("code_cog", INVALID);
  if (status !== "active" && status !== "inactive") add("status", NOT_IN_LIST);
  const departement = text(fields.departement) || commune?.departement || "";
  if (commune && departement !== commune.departement) add("departement", INVALID);
  if (Object.keys(errors).length > 0) return json({ errors }, 422);

  const [created] = await deps.db
    .insert(collectivities)
    .values({ name, siret, codeCog, departement, status: status as Collectivity["status"], editor })
    .onConflictDoNothing({ target: collectivities.siret })
    .returning();
  if (!created) return json({ errors: { siret: [TAKEN] } }, 409);

  await recordAudit(deps.db, {
    actor: null,
    collectivityId: created.id,
    action: "collectivity.registered_by_api",
    targetType: "collectivity",
    targetId: created.id,
    requestId: deps.requestId ?? null,
    details: { status: created.status, editor: created.editor !== null },
  });
  logger.info({ collectivityId: created.id, status: created.status }, "commune enregistrée par l’API");
  return json({ collectivity: serialize(created) }, 201);
}

function serialize(row: Collectivity) {
  return {
    id: row.id,
    name: row.name,
    siret: row.siret,
    code_cog: row.codeCog,
    departement: row.departement,
    status: row.status,
    editor: row.editor,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
