import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { auditEvents, collectivities } from "../../db/schema/index.ts";
import { registerCollectivity, REGISTRATION_RATE_LIMIT } from "../../app/api/collectivity-registration.server.ts";
import { resetRateLimits } from "../../app/http/rate-limit.server.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * POST /api/collectivites as API Particulier's back office calls the national form
 * (../shared/specs/formulaire-qf-reference/README.md): every status and body it can get.
 */
let handle: DatabaseHandle;
const API_KEY = "cle-api-collectivites-de-test-0123456789abcdef";
// Angers: a real SIRET (Luhn) and COG code.
const ANGERS = { name: "Angers", siret: "21490007900010", code_cog: "49007", status: "active", editor: "" };

beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());
beforeEach(() => resetRateLimits());

const post = (body: BodyInit, headers: Record<string, string>, clientIp = "192.0.2.10") =>
  registerCollectivity(new Request("http://localhost/api/collectivites", { method: "POST", body, headers }), {
    db: handle.db,
    apiKey: API_KEY,
    clientIp,
    requestId: "test",
  });
const postJson = (collectivity: unknown, auth = `Bearer ${API_KEY}`) =>
  post(JSON.stringify({ collectivity }), { "Content-Type": "application/json", Authorization: auth });

describe("POST /api/collectivites", () => {
  it("creates a collectivity from JSON (201), audited, its département taken from the COG", async () => {
    const response = await postJson(ANGERS);
    expect(response.status).toBe(201);
    const body = (await response.json()) as { collectivity: Record<string, unknown> };
    expect(body.collectivity).toMatchObject({
      name: "Angers",
      siret: "21490007900010",
      code_cog: "49007",
      departement: "49",
      status: "active",
      editor: null,
    });
    const [row] = await handle.db.select().from(collectivities).where(eq(collectivities.siret, ANGERS.siret));
    expect(row).toMatchObject({ name: "Angers", departement: "49", status: "active" });
    const audit = await handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, row!.id));
    expect(audit.map((a) => a.action)).toEqual(["collectivity.registered_by_api"]);
  });

  it("answers 409 with Rails' body when the SIRET exists, and changes nothing", async () => {
    const response = await postJson({ ...ANGERS, name: "Autre nom" });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ errors: { siret: ["est déjà utilisé(e)"] } });
    const [row] = await handle.db.select().from(collectivities).where(eq(collectivities.siret, ANGERS.siret));
    expect(row!.name).toBe("Angers");
  });

  it("accepts the same call as a form (collectivity[field]=…), editor included", async () => {
    const form = new URLSearchParams({
      "collectivity[name]": "Besançon",
      "collectivity[siret]": "21250056300011",
      "collectivity[code_cog]": "25056",
      "collectivity[status]": "inactive",
      "collectivity[editor]": "Arpège",
    });
    const response = await post(form, {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `Token token="${API_KEY}"`,
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      collectivity: { name: "Besançon", departement: "25", status: "inactive", editor: "Arpège" },
    });
  });

  it("answers 422 with a French message per missing or invalid field", async () => {
    const missing = await postJson({ name: "", code_cog: "49007" });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toEqual({ errors: { name: ["doit être rempli(e)"], siret: ["doit être rempli(e)"] } });
    const invalid = await postJson({ name: "X", siret: "21490007900013", code_cog: "99999", status: "supprimée" });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toEqual({
      errors: {
        siret: ["n'est pas valide"],
        code_cog: ["n'est pas valide"],
        status: ["n'est pas inclus(e) dans la liste"],
      },
    });
  });

  it("answers 401 with Rails' text without the right key, and never creates anything", async () => {
    const before = (await handle.db.select().from(collectivities)).length;
    for (const auth of ["", `Bearer ${API_KEY}x`, "Bearer court", `Basic ${btoa(`x:${API_KEY}`)}`]) {
      const response = await postJson({ ...ANGERS, siret: "21440109300015", code_cog: "44109" }, auth);
      expect(response.status, auth).toBe(401);
      expect(await response.text()).toBe("HTTP Token: Access denied.\n");
      expect(response.headers.get("www-authenticate")).toBe('Token realm="Application"');
    }
    // No key configured: the endpoint is closed, even to a caller who sends none.
    const closed = await registerCollectivity(
      new Request("http://localhost/api/collectivites", {
        method: "POST",
        body: "{}",
        headers: { Authorization: "Bearer " },
      }),
      { db: handle.db, apiKey: undefined, clientIp: "192.0.2.11" },
    );
    expect(closed.status).toBe(401);
    expect((await handle.db.select().from(collectivities)).length).toBe(before);
  });

  it("answers 400 to a body without collectivity, or not JSON", async () => {
    expect(
      (await post('{"nom":"x"}', { "Content-Type": "application/json", Authorization: `Bearer ${API_KEY}` })).status,
    ).toBe(400);
    expect((await post("{", { "Content-Type": "application/json", Authorization: `Bearer ${API_KEY}` })).status).toBe(
      400,
    );
  });

  it("rate-limits by client address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= REGISTRATION_RATE_LIMIT.limit; i++) statuses.push((await postJson({}, "Bearer faux")).status);
    expect(statuses.slice(0, REGISTRATION_RATE_LIMIT.limit).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Another address is not affected.
    expect((await post("{}", { Authorization: "Bearer faux" }, "192.0.2.99")).status).toBe(401);
  });
});
