import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { auditEvents, collectivities, collectivitySettings, refusedRedirectOrigins } from "../../db/schema/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { createApiParticulierClient } from "../../app/integrations/api-particulier/client.server.ts";
import { createTokenPacer } from "../../app/integrations/api-particulier/token-pacer.server.ts";
import {
  getApiParticulierToken,
  getHubeeSiCredentials,
  saveApiParticulierToken,
} from "../../app/portal/settings/collectivity-settings.server.ts";
import { testApiParticulierToken, testHubeeSiCredentials } from "../../app/portal/settings/connection-tests.server.ts";
import {
  KEPT_REFUSED_ORIGINS,
  noteRefusedRedirectUri,
} from "../../app/portal/settings/refused-redirect-origins.server.ts";
import {
  DEMO_TOKEN_BLACKLISTED,
  DEMO_TOKEN_EXPIRED,
  DEMO_TOKEN_QF_VALUE_ONLY,
  DEMO_TOKEN_WITHOUT_QF_SCOPE,
} from "../../simulators/api-particulier/demo-tokens.ts";
import { DEMO_COMMUNES, DEMO_HUBEE_OSL } from "../../simulators/demo-data.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import * as settingsRoute from "../../app/routes/portail.communes.$siret.parametres/route.tsx";
import { addMember, callRoute, createAgent, signIn, withCookies } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";

const ANGERS = DEMO_COMMUNES.find((c) => c.name === "Angers")!;
const SECRET = "si-49007-demo-secret";
const TOKEN = ANGERS.apiParticulierToken;

/** A commune's settings: secrets sealed at rest, never sent back, and tested against the (simulated) services. */
describe("commune settings", () => {
  let handle: DatabaseHandle;
  let simulators: RunningSimulators;
  let collectivityId: string;
  let cookie: string;
  const path = `/portail/communes/${ANGERS.siret}/parametres`;
  const params = { siret: ANGERS.siret };
  const post = (form: Record<string, string>) => callRoute(settingsRoute, "action", { path, params, cookie, form });
  const load = () => callRoute(settingsRoute, "loader", { path, params, cookie });

  beforeAll(async () => {
    simulators = await startSimulators({ port: 0 });
    // Read by getConfig() on first use, which comes after this.
    process.env.HUBEE_TOKEN_URL = simulators.hubeeTokenUrl;
    process.env.API_PARTICULIER_URL = simulators.apiParticulierUrl;
    handle = await createTestDatabase();
    useDatabaseHandle(handle);
    const [commune] = await handle.db
      .insert(collectivities)
      .values({ name: "Angers", siret: ANGERS.siret, codeCog: ANGERS.codeCog, departement: ANGERS.departement })
      .returning();
    collectivityId = commune!.id;
    const admin = await createAgent(handle.db, { email: "claire.lefebvre@angers.fr" });
    await addMember(handle.db, admin.id, collectivityId, "admin");
    cookie = await signIn(handle.db, admin.id);
  });
  afterAll(async () => {
    await handle?.close();
    await simulators?.close();
  });

  it("stores the secrets encrypted and never returns them to the page", async () => {
    const savedHubee = await post({
      intent: "save-hubee",
      hubeeSiClientId: ANGERS.hubeeSi.clientId,
      hubeeSiSecret: SECRET,
    });
    expect(savedHubee).toMatchObject({ status: 302, location: path });
    // Post/Redirect/Get: the page it leads to says so, once.
    const next = await callRoute(settingsRoute, "loader", { path, params, cookie: withCookies(cookie, savedHubee) });
    expect(next.data).toMatchObject({ flash: { level: "success", message: "Identifiants HubEE enregistrés." } });
    expect((await load()).data).toMatchObject({ flash: null });
    expect(await post({ intent: "save-api-particulier", apiParticulierToken: TOKEN })).toMatchObject({
      status: 302,
      location: path,
    });

    const [raw] = await handle.db
      .select()
      .from(collectivitySettings)
      .where(eq(collectivitySettings.collectivityId, collectivityId));
    expect(raw!.hubeeSiSecretEncrypted).toMatch(/^v2\.[0-9a-f]{16}\./);
    expect(raw!.hubeeSiSecretEncrypted).not.toContain(SECRET);
    expect(raw!.apiParticulierTokenEncrypted).not.toContain(TOKEN);
    expect(Buffer.from(raw!.hubeeSiSecretEncrypted!.split(".").at(-1)!, "base64url").toString("latin1")).not.toContain(
      SECRET,
    );

    const page = await load();
    expect(page.status).toBe(200);
    const json = JSON.stringify(page.data);
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain(TOKEN);
    expect(json).not.toContain(raw!.hubeeSiSecretEncrypted!);
    expect(page.data).toMatchObject({
      hubeeSi: { clientId: ANGERS.hubeeSi.clientId, secretConfiguredOn: expect.any(String) },
    });

    // The worker and the tests read them back decrypted, server-side only.
    const key = (await import("../../app/services.server.ts")).getServices().encryptionKey;
    expect(await getHubeeSiCredentials(handle.db, collectivityId, key)).toEqual({
      clientId: ANGERS.hubeeSi.clientId,
      clientSecret: SECRET,
    });
    expect(await getApiParticulierToken(handle.db, collectivityId, key)).toBe(TOKEN);
  });

  it("keeps the stored secret when the field is left empty, and audits field names only", async () => {
    await post({ intent: "save-hubee", hubeeSiClientId: ANGERS.hubeeSi.clientId, hubeeSiSecret: "" });
    const key = (await import("../../app/services.server.ts")).getServices().encryptionKey;
    expect((await getHubeeSiCredentials(handle.db, collectivityId, key))?.clientSecret).toBe(SECRET);
    const trail = JSON.stringify(
      await handle.db.select().from(auditEvents).where(eq(auditEvents.collectivityId, collectivityId)),
    );
    expect(trail).toContain("hubeeSiSecret");
    expect(trail).not.toContain(SECRET);
    expect(trail).not.toContain(TOKEN);
  });

  it("never sends a typed secret back, not even with a field to correct", async () => {
    const missingId = await post({ intent: "save-hubee", hubeeSiClientId: "", hubeeSiSecret: "secret-tape" });
    expect(missingId.status).toBe(400);
    expect(missingId.data).toMatchObject({ errors: { hubeeSiClientId: expect.stringMatching(/identifiant client/) } });
    const badToken = await post({ intent: "save-api-particulier", apiParticulierToken: "jeton avec espace" });
    expect(badToken.status).toBe(400);
    for (const answer of [missingId, badToken]) {
      const json = JSON.stringify(answer.data);
      expect(json).not.toContain("secret-tape");
      expect(json).not.toContain("jeton avec espace");
    }
  });

  it("refuses secrets with control, blank or accented characters, says why, and keeps the stored ones", async () => {
    const key = (await import("../../app/services.server.ts")).getServices().encryptionKey;
    const before = await getApiParticulierToken(handle.db, collectivityId, key);
    for (const token of [`${TOKEN.slice(0, 8)}\u0000${TOKEN.slice(8)}`, `${TOKEN}\u0007`, `jéton${TOKEN}`]) {
      const answer = await post({ intent: "save-api-particulier", apiParticulierToken: token });
      expect(answer.status).toBe(400);
      expect(answer.data).toMatchObject({
        errors: { apiParticulierToken: expect.stringMatching(/^Ce jeton contient un espace, un caractère invisible/) },
      });
    }
    expect(await getApiParticulierToken(handle.db, collectivityId, key)).toBe(before);

    const hubee = await post({
      intent: "save-hubee",
      hubeeSiClientId: `${ANGERS.hubeeSi.clientId}\u001b`,
      hubeeSiSecret: `sec\u0000ret`,
    });
    expect(hubee.status).toBe(400);
    expect(hubee.data).toMatchObject({
      errors: {
        hubeeSiClientId: expect.stringMatching(/^Cet identifiant contient/),
        hubeeSiSecret: expect.stringMatching(/^Ce secret contient/),
      },
    });
    expect(await getHubeeSiCredentials(handle.db, collectivityId, key)).toEqual({
      clientId: ANGERS.hubeeSi.clientId,
      clientSecret: SECRET,
    });
    // The code that stores them refuses such a value too, whatever calls it.
    await expect(
      saveApiParticulierToken(handle.db, { collectivityId, actor: "test", key, token: "a\u0000b" }),
    ).rejects.toThrow(/visible ASCII/);
  });

  it("refuses a forged button with a 400", async () => {
    for (const intent of ["toString", "__proto__", "supprimer"]) {
      expect(await post({ intent })).toMatchObject({ status: 400, thrown: true });
    }
  });

  it("tests the stored credentials through the page and says what is wrong in French", async () => {
    const ok = await post({ intent: "test-hubee", hubeeSiClientId: ANGERS.hubeeSi.clientId });
    expect(ok.data).toMatchObject({ result: { level: "success" } });
    const wrong = await post({
      intent: "test-hubee",
      hubeeSiClientId: ANGERS.hubeeSi.clientId,
      hubeeSiSecret: "pas-le-bon",
    });
    expect(wrong.data).toMatchObject({
      result: { level: "error", message: expect.stringMatching(/secret est incorrect/) },
    });
    expect(JSON.stringify(wrong.data)).not.toContain("pas-le-bon");
    const token = await post({ intent: "test-api-particulier" });
    expect(token.data).toMatchObject({ result: { level: "success" } });
  });

  it("rejects invalid redirect origins and normalises the valid ones", async () => {
    const bad = await post({ intent: "save-origins", redirectOrigins: "https://www.angers.fr/portail-famille" });
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ errors: { redirectOrigins: expect.stringMatching(/sans chemin/) } });
    await post({
      intent: "save-origins",
      redirectOrigins: "https://WWW.Angers.fr:443/\nhttp://localhost:8080\nhttps://www.angers.fr",
    });
    const [row] = await handle.db
      .select({ origins: collectivities.redirectOrigins })
      .from(collectivities)
      .where(eq(collectivities.id, collectivityId));
    expect(row!.origins).toEqual(["https://www.angers.fr", "http://localhost:8080"]);
  });

  it("validates the public page details", async () => {
    const bad = await post({
      intent: "save-public-page",
      contactEmail: "pas-une-adresse",
      contactPhone: "12",
      website: "http://angers.fr",
    });
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.data as { errors: object }).errors).sort()).toEqual([
      "contactEmail",
      "contactPhone",
      "website",
    ]);
    expect(bad.data).toMatchObject({ result: { level: "error", message: "3 champs sont à corriger ci-dessous." } });
    expect(
      await post({
        intent: "save-public-page",
        contactEmail: "QF@Angers.fr",
        contactPhone: "02 41 05 40 00",
        website: "https://www.angers.fr",
      }),
    ).toMatchObject({ status: 302, location: path });
    expect((await load()).data).toMatchObject({
      publicPage: { contactEmail: "qf@angers.fr", contactPhone: "02 41 05 40 00", website: "https://www.angers.fr/" },
    });
  });

  it("shows the last refused return origins, counted, without their paths, the oldest pruned", async () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 11, 5, 8, minute));
    await noteRefusedRedirectUri(handle.db, collectivityId, "https://portail.angers.example/qf?famille=DUBOIS", at(0));
    await noteRefusedRedirectUri(handle.db, collectivityId, "https://PORTAIL.angers.example:443/autre", at(1));
    for (let i = 0; i < KEPT_REFUSED_ORIGINS; i++) {
      await noteRefusedRedirectUri(handle.db, collectivityId, `https://site-${i}.example/retour`, at(2 + i));
    }
    await noteRefusedRedirectUri(handle.db, collectivityId, "pas une adresse", at(30));
    const page = (await load()).data as { refusedOrigins: { origin: string; count: number }[] };
    expect(page.refusedOrigins).toHaveLength(KEPT_REFUSED_ORIGINS);
    expect(page.refusedOrigins[0]).toMatchObject({ origin: "(adresse illisible)", count: 1 });
    // The oldest went; one origin seen twice under two spellings is one line, counted twice.
    expect(page.refusedOrigins.map((r) => r.origin)).not.toContain("https://site-0.example");
    await noteRefusedRedirectUri(handle.db, collectivityId, "https://portail.angers.example/x", at(40));
    await noteRefusedRedirectUri(handle.db, collectivityId, "https://portail.angers.example/y", at(41));
    const html = await renderRoute(settingsRoute.default, (await load()).data as object, path);
    const list = /<ul aria-labelledby="origines-refusees"[^>]*>(.*?)<\/ul>/.exec(html)?.[1] ?? "";
    expect(list).toMatch(/^<li><code>https:\/\/portail\.angers\.example<\/code> : 2 fois, la dernière le 05\/12\/2026/);
    expect(html).not.toContain("DUBOIS");
    await handle.db.delete(refusedRedirectOrigins).where(eq(refusedRedirectOrigins.collectivityId, collectivityId));
  });

  it.each([
    ["hubee-titre", { intent: "save-hubee", hubeeSiClientId: "" }],
    ["api-particulier-titre", { intent: "save-api-particulier", apiParticulierToken: "avec espace" }],
    ["origines-titre", { intent: "save-origins", redirectOrigins: "https://www.angers.fr/chemin" }],
    ["page-publique-titre", { intent: "save-public-page", contactEmail: "pas-une-adresse" }],
  ])("announces a field error with an alert in its section (%s)", async (section, form) => {
    const answer = await post(form);
    expect(answer.status).toBe(400);
    expect(answer.data).toMatchObject({ result: { level: "error", message: "Un champ est à corriger ci-dessous." } });
    const html = await renderRoute(settingsRoute.default, (await load()).data as object, path, answer.data as object);
    const alerts = [...html.matchAll(/role="alert"><p>([^<]*)<\/p>/g)].map((m) => m[1]);
    expect(alerts).toEqual(["Un champ est à corriger ci-dessous."]);
    // In the section of the form sent, before its field in error.
    const at = html.indexOf('role="alert"');
    expect(at).toBeGreaterThan(html.indexOf(`id="${section}"`));
    expect(at).toBeLessThan(html.indexOf('aria-invalid="true"'));
  });

  describe("connection tests against the simulators", () => {
    it("HubEE: accepted, wrong secret, credentials of a sender (not SI), unreachable", async () => {
      const tokenUrl = simulators.hubeeTokenUrl;
      expect(
        await testHubeeSiCredentials({ tokenUrl, clientId: ANGERS.hubeeSi.clientId, clientSecret: SECRET }),
      ).toMatchObject({ level: "success" });
      expect(
        (await testHubeeSiCredentials({ tokenUrl, clientId: ANGERS.hubeeSi.clientId, clientSecret: "faux" })).message,
      ).toMatch(/identifiant client ou le secret est incorrect/);
      expect(
        (
          await testHubeeSiCredentials({
            tokenUrl,
            clientId: DEMO_HUBEE_OSL.clientId,
            clientSecret: DEMO_HUBEE_OSL.clientSecret,
          })
        ).message,
      ).toMatch(/accès de réception/);
      expect(
        (
          await testHubeeSiCredentials({
            tokenUrl: "http://127.0.0.1:9/oauth2/token",
            clientId: "x",
            clientSecret: "y",
          })
        ).message,
      ).toMatch(/injoignable/);
    });

    it("API Particulier: accepted, no QF scope, partial scopes, expired, revoked, unknown, unreachable", async () => {
      const client = createApiParticulierClient(simulators.apiParticulierUrl);
      const pacer = createTokenPacer(handle.db, { ratePerSecond: 18, limitPerSecond: 20 });
      const check = (token: string) => testApiParticulierToken(client, pacer, { token, recipientSiret: ANGERS.siret });
      expect(await check(TOKEN)).toMatchObject({ level: "success" });
      expect((await check(DEMO_TOKEN_WITHOUT_QF_SCOPE)).message).toMatch(/pas habilité au quotient familial/);
      expect(await check(DEMO_TOKEN_QF_VALUE_ONLY)).toMatchObject({
        level: "warning",
        message: expect.stringMatching(/composition de la famille/),
      });
      expect((await check(DEMO_TOKEN_EXPIRED)).message).toMatch(/expiré/);
      expect((await check(DEMO_TOKEN_BLACKLISTED)).message).toMatch(/révoqué/);
      expect((await check("jeton-inconnu")).message).toMatch(/ne reconnaît pas ce jeton/);
      const down = createApiParticulierClient("http://127.0.0.1:9", { timeoutMs: 2_000 });
      expect(
        (await testApiParticulierToken(down, pacer, { token: TOKEN, recipientSiret: ANGERS.siret })).message,
      ).toMatch(/injoignable/);
    });
  });
});
