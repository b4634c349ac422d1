import { readFile } from "node:fs/promises";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { and, count, eq } from "drizzle-orm";
import { parse } from "yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import {
  mailOutbox,
  agents,
  auditEvents,
  collectivities,
  invitations,
  memberships,
  webhookDeliveries,
} from "../../db/schema/index.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { OPENAPI_FILE } from "~/api/openapi.server";
import { getConfig } from "~/config.server";
import { useDatabaseHandle } from "~/db.server";
import { resetRateLimits } from "~/http/rate-limit.server";
import { PENDING_CODE_COG, PENDING_NAME } from "~/onboarding/datapass-onboarding.server";
import { handleDataPassWebhook, MAX_BODY_BYTES, WEBHOOK_RATE_LIMIT } from "~/onboarding/datapass-webhook.server";
import { signHubPayload } from "~/onboarding/hub-signature.server";
import { decideJoinRequest, listPendingJoinRequests } from "~/portal/access/join-requests.server";
import { action, loader } from "~/routes/api.datapass.webhook";
import { loadAgentsPage } from "~/routes/portail.communes.$siret.agents/agents-page.server";
import { testLoadContext } from "../helpers/load-context.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

type Json = Record<string, unknown>;

const secret = getConfig().DATAPASS_WEBHOOK_SECRET;
const URL_WEBHOOK = "http://localhost/api/datapass/webhook";

let handle: DatabaseHandle;
let nextModelId = 1000;
let nextIp = 1;

/** A SIRET that passes the Luhn check, from its first 13 digits. */
function siretFrom(first13: string): string {
  for (let digit = 0; digit <= 9; digit++) {
    const candidate = `${first13}${digit}`;
    const sum = Array.from(candidate)
      .reverse()
      .map(Number)
      .reduce((total, d, i) => total + (i % 2 === 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
    if (sum % 10 === 0) return candidate;
  }
  throw new Error("unreachable");
}

const LAVAL = siretFrom("2153013000001");
const PARIS = siretFrom("2175005600001");
const CCAS_LAVAL = siretFrom("2653013000001");
const UNKNOWN_COMMUNE = siretFrom("2199999990001");
const QUIMPER = "21290232000010"; // inactive in the demo seed
const ANGERS = "21490007900010"; // active in the demo seed

interface ApprovalOptions {
  event?: string;
  modelId?: number;
  firedAt?: number | string;
  siret?: string;
  name?: string | null;
  codeCog?: string;
  inseeCode?: string;
  email?: string;
  serviceProvider?: Json | null;
}

function delivery(options: ApprovalOptions = {}): Json {
  const name = "name" in options ? options.name : "COMMUNE DE LAVAL";
  const organization: Json = { id: 42, siret: options.siret ?? LAVAL, name };
  if (options.codeCog) organization.code_cog = options.codeCog;
  if (options.inseeCode) {
    organization.insee_payload = {
      etablissement: {
        siret: organization.siret,
        adresseEtablissement: { codeCommuneEtablissement: options.inseeCode },
      },
    };
  }
  return {
    event: options.event ?? "approve",
    model_type: "authorization_request/formulaire_qf",
    model_id: options.modelId ?? nextModelId++,
    fired_at: options.firedAt ?? Math.floor(Date.now() / 1000),
    data: {
      id: 1,
      state: "validated",
      organization,
      applicant: {
        email: options.email ?? "Marie.Martin@Laval.fr",
        given_name: "Marie",
        family_name: "Martin",
        job_title: "Directrice",
        phone_number: "0243000000",
      },
      service_provider: options.serviceProvider ?? null,
    },
  };
}

function signedRequest(body: Json | string, signature?: string | null): Request {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  const value = signature === undefined ? signHubPayload(secret, raw) : signature;
  if (value !== null) headers["X-Hub-Signature-256"] = value;
  return new Request(URL_WEBHOOK, { method: "POST", headers, body: raw });
}

/** Each call from its own address unless told: the rate limit has its own test. */
async function post(request: Request, clientIp = `198.51.100.${nextIp++ % 250}`): Promise<Response> {
  return (await action({ request, params: {}, context: testLoadContext({ clientIp }) })) as Response;
}

async function collectivity(siret: string) {
  const [row] = await handle.db.select().from(collectivities).where(eq(collectivities.siret, siret));
  return row;
}

async function invitationsOf(siret: string) {
  return handle.db
    .select({ email: invitations.email, role: invitations.role })
    .from(invitations)
    .innerJoin(collectivities, eq(collectivities.id, invitations.collectivityId))
    .where(eq(collectivities.siret, siret));
}

async function deliveriesCount(): Promise<number> {
  const [row] = await handle.db.select({ n: count() }).from(webhookDeliveries);
  return row!.n;
}

// Real answers are checked against the webhook's documented responses.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
let responseValidators: Record<string, ValidateFunction>;
let requestValidator: ValidateFunction;

async function expectDocumented(response: Response): Promise<Json> {
  const body = (await response.json()) as Json;
  const validate = responseValidators[String(response.status)];
  expect(validate, `status ${response.status} documented`).toBeDefined();
  validate!(body);
  expect(validate!.errors ?? [], JSON.stringify(body)).toEqual([]);
  return body;
}

beforeAll(async () => {
  handle = await createTestDatabase();
  await seedDemo(handle.db);
  useDatabaseHandle(handle);
  const spec = (await SwaggerParser.dereference(parse(await readFile(OPENAPI_FILE, "utf8")) as never)) as unknown as {
    paths: Record<string, { post: { requestBody: { content: Json }; responses: Record<string, { content: Json }> } }>;
  };
  const operation = spec.paths["/api/datapass/webhook"]!.post;
  responseValidators = Object.fromEntries(
    Object.entries(operation.responses).map(([status, response]) => [
      status,
      ajv.compile((response.content["application/json"] as { schema: Json }).schema),
    ]),
  );
  requestValidator = ajv.compile((operation.requestBody.content["application/json"] as { schema: Json }).schema);
});
afterAll(() => handle.close());
beforeEach(() => resetRateLimits());

describe("POST /api/datapass/webhook: approve", () => {
  it("creates the commune from the SIRENE INSEE code and invites the applicant as first administrator", async () => {
    const body = delivery({ inseeCode: "53130" });
    expect(requestValidator(body), JSON.stringify(requestValidator.errors)).toBe(true);
    const response = await post(signedRequest(body));
    expect(response.status).toBe(200);
    expect(await expectDocumented(response)).toEqual({
      status: "created",
      collectivity: { siret: LAVAL, status: "active" },
      administrator_invitation: "invited",
    });
    expect(await collectivity(LAVAL)).toMatchObject({
      name: "Laval",
      codeCog: "53130",
      departement: "53",
      status: "active",
      editor: null,
    });
    expect(await invitationsOf(LAVAL)).toEqual([{ email: "marie.martin@laval.fr", role: "admin" }]);
    // The applicant is told, by a mail written with the invitation.
    const mails = await handle.db
      .select({ kind: mailOutbox.kind, subject: mailOutbox.subject, text: mailOutbox.text })
      .from(mailOutbox)
      .where(eq(mailOutbox.recipient, "marie.martin@laval.fr"));
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: "invitation", subject: "Invitation à rejoindre Laval sur Portail QF" });
    expect(mails[0]!.text).toContain("Votre demande d’habilitation DataPass est validée");
    const [audit] = await handle.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, "collectivity.created"),
          eq(auditEvents.collectivityId, (await collectivity(LAVAL))!.id),
        ),
      );
    expect(audit?.details).toMatchObject({ via: "datapass", status: "active" });
    expect(JSON.stringify(audit?.details)).not.toContain("laval.fr");
  });

  it("is idempotent for a DataPass request: a new delivery of the same model_id changes nothing", async () => {
    const modelId = nextModelId++;
    const first = await post(
      signedRequest(delivery({ modelId, siret: CCAS_LAVAL, codeCog: "53130", name: "CCAS DE LAVAL" })),
    );
    expect((await first.json()) as Json).toMatchObject({ status: "created" });
    // DataPass fires again later (another fired_at, so another body and signature).
    const again = delivery({
      modelId,
      siret: CCAS_LAVAL,
      codeCog: "53130",
      name: "CCAS DE LAVAL",
      firedAt: Math.floor(Date.now() / 1000) - 30,
    });
    const second = await post(signedRequest(again));
    expect(second.status).toBe(200);
    expect(await expectDocumented(second)).toEqual({
      status: "already_processed",
      collectivity: { siret: CCAS_LAVAL, status: "active" },
      administrator_invitation: "not_sent",
    });
    // Not a commune's own SIRET: the legal name is kept.
    expect((await collectivity(CCAS_LAVAL))?.name).toBe("CCAS DE LAVAL");
    expect(await invitationsOf(CCAS_LAVAL)).toHaveLength(1);
  });

  it("handles two deliveries of the same request arriving at once as one", async () => {
    const modelId = nextModelId++;
    const siret = siretFrom("2103190100001");
    const responses = await Promise.all(
      [0, 1].map((i) =>
        post(
          signedRequest(delivery({ modelId, siret, inseeCode: "03190", firedAt: Math.floor(Date.now() / 1000) - i })),
        ),
      ),
    );
    const statuses = (await Promise.all(responses.map((r) => r.json() as Promise<Json>))).map((b) => b.status).sort();
    expect(statuses).toEqual(["already_processed", "created"]);
    expect(await invitationsOf(siret)).toHaveLength(1);
  });

  it("leads an arrondissement's code to its commune", async () => {
    await post(signedRequest(delivery({ siret: PARIS, name: "VILLE DE PARIS", inseeCode: "75104" })));
    expect(await collectivity(PARIS)).toMatchObject({ name: "Paris", codeCog: "75056", departement: "75" });
  });

  it("activates an inactive commune and keeps its curated name", async () => {
    expect((await collectivity(QUIMPER))?.status).toBe("inactive");
    const response = await post(signedRequest(delivery({ siret: QUIMPER, name: "COMMUNE DE QUIMPER" })));
    expect(await expectDocumented(response)).toMatchObject({
      status: "activated",
      collectivity: { siret: QUIMPER, status: "active" },
    });
    expect(await collectivity(QUIMPER)).toMatchObject({ name: "Quimper", codeCog: "29232", status: "active" });
  });

  it("records the software editor named by DataPass, and keeps an active commune's data", async () => {
    const response = await post(
      signedRequest(
        delivery({ siret: ANGERS, inseeCode: "53130", serviceProvider: { id: "arpege", siret: null, type: "editor" } }),
      ),
    );
    expect(await expectDocumented(response)).toMatchObject({ status: "updated" });
    // The payload's INSEE code does not overwrite a known commune.
    expect(await collectivity(ANGERS)).toMatchObject({ name: "Angers", codeCog: "49007", editor: "arpege" });
  });

  it("does not invite the applicant into a commune that has an administrator: their request to join waits for it", async () => {
    const siret = siretFrom("2105300200001");
    const first = await post(signedRequest(delivery({ siret, inseeCode: "53130", email: "maire@commune.fr" })));
    expect(await expectDocumented(first)).toMatchObject({ administrator_invitation: "invited" });
    const commune = (await collectivity(siret))!;
    // The first administrator joined.
    const [mayor] = await handle.db
      .insert(agents)
      .values({ proconnectSub: `sub-${siret}`, email: "maire@commune.fr", givenName: "Anne", usualName: "Maire" })
      .returning();
    await handle.db.insert(memberships).values({ agentId: mayor!.id, collectivityId: commune.id, role: "admin" });

    // A later approval (another applicant, or a forged DataPass request) grants nothing by itself.
    const later = () =>
      post(signedRequest(delivery({ siret, inseeCode: "53130", email: "Autre.Personne@Ailleurs.fr" })));
    expect(await expectDocumented(await later())).toMatchObject({ administrator_invitation: "join_requested" });
    expect(await invitationsOf(siret)).toEqual([{ email: "maire@commune.fr", role: "admin" }]);
    await later(); // a second approval asks once
    const pending = await listPendingJoinRequests(handle.db, commune.id);
    expect(pending).toEqual([
      expect.objectContaining({ agentId: null, email: "autre.personne@ailleurs.fr", source: "datapass" }),
    ]);

    // The agents page shows it among the requests, by address, as a DataPass applicant.
    expect((await loadAgentsPage(handle.db, commune.id)).joinRequests).toEqual([
      expect.objectContaining({
        name: "Demandeur DataPass",
        email: "autre.personne@ailleurs.fr",
        organizationLabel: "Habilitation DataPass accordée",
      }),
    ]);

    // The commune's administrator accepts: an invitation as agent, valid at the applicant's first login.
    expect(
      await decideJoinRequest(handle.db, {
        collectivityId: commune.id,
        joinRequestId: pending[0]!.id,
        decision: "accepted",
        actor: mayor!.id,
      }),
    ).toBe(true);
    expect(await invitationsOf(siret)).toEqual(
      expect.arrayContaining([{ email: "autre.personne@ailleurs.fr", role: "agent" }]),
    );
    expect(await listPendingJoinRequests(handle.db, commune.id)).toEqual([]);
  });

  it("without an INSEE code, creates the collectivity inactive for an operator, then completes it on a later approval", async () => {
    const response = await post(signedRequest(delivery({ siret: UNKNOWN_COMMUNE, name: null })));
    expect(await expectDocumented(response)).toEqual({
      status: "pending_completion",
      collectivity: { siret: UNKNOWN_COMMUNE, status: "inactive" },
      administrator_invitation: "invited",
    });
    expect(await collectivity(UNKNOWN_COMMUNE)).toMatchObject({
      name: PENDING_NAME,
      codeCog: PENDING_CODE_COG,
      status: "inactive",
    });
    // An unknown INSEE code is no better than none.
    const unknownCode = await post(
      signedRequest(delivery({ siret: UNKNOWN_COMMUNE, inseeCode: "99999", name: "COMMUNE X" })),
    );
    expect((await unknownCode.json()) as Json).toMatchObject({ status: "pending_completion" });
    expect((await collectivity(UNKNOWN_COMMUNE))?.name).toBe("COMMUNE X");

    const completed = await post(signedRequest(delivery({ siret: UNKNOWN_COMMUNE, inseeCode: "91228" })));
    expect((await completed.json()) as Json).toMatchObject({ status: "activated", collectivity: { status: "active" } });
    expect(await collectivity(UNKNOWN_COMMUNE)).toMatchObject({
      name: "Évry-Courcouronnes",
      codeCog: "91228",
      departement: "91",
      status: "active",
    });
  });

  it("commits nothing when processing fails, so DataPass's retry of the same body goes through", async () => {
    const siret = siretFrom("2101400100001");
    const body = JSON.stringify(delivery({ siret, inseeCode: "01001" }));
    const before = await deliveriesCount();
    const failing = handleDataPassWebhook(signedRequest(body), {
      db: handle.db,
      secret,
      clientIp: "198.51.100.251",
      invite: async () => {
        throw new Error("invitation store unavailable");
      },
    });
    await expect(failing).rejects.toThrow("invitation store unavailable");
    expect(await collectivity(siret)).toBeUndefined();
    expect(await deliveriesCount()).toBe(before);

    const retry = await post(signedRequest(body));
    expect(retry.status).toBe(200);
    expect(await invitationsOf(siret)).toHaveLength(1);
  });
});

describe("POST /api/datapass/webhook: refusals", () => {
  it("refuses a wrong, missing or malformed signature with 401 and records nothing", async () => {
    const body = delivery({ siret: siretFrom("2104900200001"), inseeCode: "49002" });
    const before = await deliveriesCount();
    for (const signature of [
      signHubPayload("another-secret-of-at-least-32-characters", JSON.stringify(body)),
      `sha256=${"0".repeat(64)}`,
      "sha256=deadbeef",
      "",
      null,
    ]) {
      const response = await post(signedRequest(body, signature));
      expect(response.status, String(signature)).toBe(401);
      expect(await expectDocumented(response)).toEqual({ error: "Invalid signature" });
    }
    // Signed over other bytes than those sent (re-serialised JSON).
    const tampered = new Request(URL_WEBHOOK, {
      method: "POST",
      headers: { "X-Hub-Signature-256": signHubPayload(secret, JSON.stringify(body)) },
      body: JSON.stringify(body, null, 2),
    });
    expect((await post(tampered)).status).toBe(401);
    expect(await deliveriesCount()).toBe(before);
  });

  it("accepts a delivery DataPass retries 10 minutes later, and answers its second copy as the first, doing nothing twice", async () => {
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 10 * 60;
    const raw = JSON.stringify(
      delivery({ siret: siretFrom("2104400100001"), inseeCode: "44001", firedAt: tenMinutesAgo }),
    );
    const signature = signHubPayload(secret, raw);
    const first = await post(signedRequest(raw, signature));
    expect(first.status).toBe(200);
    const firstBody = (await expectDocumented(first)) as { status: string; collectivity: unknown };
    const replay = await post(signedRequest(raw, signature));
    expect(replay.status).toBe(200);
    expect(await expectDocumented(replay)).toEqual({
      status: firstBody.status,
      collectivity: firstBody.collectivity,
      administrator_invitation: "not_sent",
    });
    expect(
      await handle.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.signature, signature.slice(7))),
    ).toHaveLength(1);
  });

  it("refuses a stale delivery and one dated in the future, tolerating a little clock skew", async () => {
    const now = Math.floor(Date.now() / 1000);
    // DataPass retries for a while: three days are accepted, not more.
    const stale = await post(signedRequest(delivery({ firedAt: now - 3 * 24 * 3600 - 60 })));
    expect(stale.status).toBe(400);
    expect(await expectDocumented(stale)).toEqual({ error: "Stale delivery" });
    const future = await post(signedRequest(delivery({ firedAt: now + 2 * 60 })));
    expect(future.status).toBe(400);
    expect(await future.json()).toEqual({ error: "Delivery timestamp is in the future" });
    const skewed = await post(signedRequest(delivery({ event: "submit", firedAt: now + 30 })));
    expect(skewed.status).toBe(200);
    // An ISO 8601 date is read as well as Unix seconds.
    const iso = await post(
      signedRequest(delivery({ event: "submit", firedAt: new Date(Date.now() - 4 * 24 * 3_600_000).toISOString() })),
    );
    expect(iso.status).toBe(400);
  });

  it("ignores events other than approve, and DataPass's test delivery", async () => {
    const siret = siretFrom("2102900100001");
    for (const event of ["refuse", "submit", "revoke"]) {
      const response = await post(signedRequest(delivery({ event, siret })));
      expect(response.status).toBe(200);
      expect(await expectDocumented(response)).toEqual({ status: "ignored" });
    }
    expect(await collectivity(siret)).toBeUndefined();
    const test = { test: true, timestamp: new Date().toISOString() };
    expect(requestValidator(test)).toBe(true);
    const response = await post(signedRequest(test));
    expect(response.status).toBe(200);
    expect(await expectDocumented(response)).toEqual({ status: "ignored" });
  });

  it.each([
    ["malformed JSON", "{not json"],
    ["a missing envelope field", JSON.stringify({ event: "approve", model_type: "x", data: {} })],
    ["an invalid SIRET", JSON.stringify(delivery({ siret: "21490007900011" }))],
    ["a missing applicant e-mail", JSON.stringify({ ...delivery(), data: { organization: { siret: LAVAL } } })],
    ["a wrong fired_at", JSON.stringify({ ...delivery(), fired_at: "yesterday" })],
  ])("answers 400 for %s", async (_case, raw) => {
    const response = await post(signedRequest(raw));
    expect(response.status).toBe(400);
    const body = await expectDocumented(response);
    expect(JSON.stringify(body)).not.toContain("marie.martin");
  });

  it("points at the wrong field without echoing its value", async () => {
    const response = await post(signedRequest(delivery({ email: "pas-une-adresse" })));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { details: { path: string }[] };
    expect(body.details.map((d) => d.path)).toContain("data.applicant.email");
    expect(JSON.stringify(body)).not.toContain("pas-une-adresse");
  });

  it("refuses a body larger than the limit before reading it all", async () => {
    const raw = JSON.stringify({ ...delivery(), padding: "x".repeat(MAX_BODY_BYTES) });
    const response = await post(signedRequest(raw));
    expect(response.status).toBe(413);
  });

  it("rate-limits a client by address with 429 and Retry-After", async () => {
    const ip = "203.0.113.50";
    for (let i = 0; i < WEBHOOK_RATE_LIMIT.limit; i++) {
      expect((await post(signedRequest(delivery(), null), ip)).status).toBe(401);
    }
    const limited = await post(signedRequest(delivery()), ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await expectDocumented(limited)).toEqual({ error: "Too many requests" });
    // Another client is not affected.
    expect((await post(signedRequest(delivery({ event: "submit" })), "203.0.113.51")).status).toBe(200);
  });

  it("answers other methods with 405", async () => {
    const response = (await loader()) as Response;
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    const put = await post(new Request(URL_WEBHOOK, { method: "PUT", body: "{}" }));
    expect(put.status).toBe(405);
  });
});
