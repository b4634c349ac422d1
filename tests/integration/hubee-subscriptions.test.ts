import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { auditEvents, collectivities } from "../../db/schema/index.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { createHubeeClient } from "../../app/integrations/hubee/client.server.ts";
import { createHubeeSubscriptionReader } from "../../app/integrations/hubee/subscriptions.server.ts";
import { createHubeeTokenProvider } from "../../app/integrations/hubee/token.server.ts";
import { syncHubeeSubscriptions, syncSubscriptionsFromPage } from "../../app/onboarding/hubee-subscriptions.server.ts";
import * as communeRoute from "../../app/routes/collectivites.$siret._index.tsx";
import * as loginRoute from "../../app/routes/collectivites.$siret.me_connecter.tsx";
import * as platformRoute from "../../app/routes/portail.administration/route.tsx";
import { DEMO_COMMUNES, DEMO_HUBEE_OSL } from "../../simulators/demo-data.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { callRoute, createAgent, signIn, withCookies } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * Which communes HubEE lets receive FormulaireQF, read from its subscription API (the simulator,
 * over HTTP, with the sender's token): recorded per commune, shown to platform administrators, and
 * a commune without an active subscription is not offered to citizens, before FranceConnect.
 */
let handle: DatabaseHandle;
let simulators: RunningSimulators;
const RENNES = DEMO_COMMUNES.find((c) => c.name === "Rennes")!;
const ANGERS = DEMO_COMMUNES.find((c) => c.name === "Angers")!;

const readerAt = (apiUrl: string) =>
  createHubeeSubscriptionReader(
    createHubeeClient({
      apiUrl,
      api: "referential",
      tokens: createHubeeTokenProvider({
        tokenUrl: simulators.hubeeTokenUrl,
        clientId: DEMO_HUBEE_OSL.clientId,
        clientSecret: DEMO_HUBEE_OSL.clientSecret,
        scope: "OSL",
      }),
    }),
  );
const subscriptionOf = async (siret: string) =>
  (await handle.db.select().from(collectivities).where(eq(collectivities.siret, siret)))[0]!.hubeeSubscription;

beforeAll(async () => {
  simulators = await startSimulators({ port: 0 });
  process.env.HUBEE_API_URL = simulators.hubeeApiUrl;
  process.env.HUBEE_TOKEN_URL = simulators.hubeeTokenUrl;
  handle = await createTestDatabase();
  useDatabaseHandle(handle);
  await seedDemo(handle.db);
});
afterAll(async () => {
  await handle?.close();
  await simulators?.close();
});

describe("HubEE subscriptions", () => {
  it("are read page by page and recorded on each commune: Rennes has none, the others are active", async () => {
    expect(await subscriptionOf(RENNES.siret)).toBeNull();
    const counts = await syncHubeeSubscriptions(handle.db, readerAt(simulators.hubeeApiUrl));
    expect(await subscriptionOf(RENNES.siret)).toBe("absent");
    expect(await subscriptionOf(ANGERS.siret)).toBe("active");
    const all = await handle.db.select().from(collectivities);
    expect(counts).toEqual({
      active: all.filter((c) => c.hubeeSubscription === "active").length,
      absent: all.filter((c) => c.hubeeSubscription === "absent").length,
    });
    expect(counts.active).toBeGreaterThan(1);
  });

  it("leave what was recorded when HubEE does not answer, and the page says so", async () => {
    const outcome = await syncSubscriptionsFromPage(handle.db, readerAt("http://127.0.0.1:9"));
    expect(outcome).toEqual({ ok: false, message: expect.stringMatching(/^HubEE n’a pas répondu/) });
    expect(await subscriptionOf(RENNES.siret)).toBe("absent");
    expect(await subscriptionOf(ANGERS.siret)).toBe("active");
  });

  it("are shown to platform administrators, who can read them again from their page", async () => {
    const operator = await createAgent(handle.db, { email: "exploitation@numerique.gouv.fr", platformAdmin: true });
    const cookie = await signIn(handle.db, operator.id);
    const path = "/portail/administration";
    const posted = await callRoute(platformRoute, "action", { path, cookie, form: { intent: "sync-subscriptions" } });
    expect(posted).toMatchObject({ status: 302, location: path });
    const page = await callRoute(platformRoute, "loader", { path, cookie: withCookies(cookie, posted) });
    expect(page.data).toMatchObject({
      flash: { level: "success", message: expect.stringMatching(/^Abonnements HubEE relus/) },
    });
    const html = await renderRoute(platformRoute.default, page.data as object, path);
    const rennesRow = new RegExp(`<th[^>]*>Rennes</th><td>${RENNES.siret}</td>.*?</tr>`).exec(html)?.[0] ?? "";
    expect(rennesRow).toContain("Aucun (non proposée aux familles)");
    const angersRow = new RegExp(`<th[^>]*>Angers</th><td>${ANGERS.siret}</td>.*?</tr>`).exec(html)?.[0] ?? "";
    expect(angersRow).toContain("<td>Actif</td>");
  });

  it("keep a commune without one from citizens before FranceConnect: a notice, no button, no login", async () => {
    const path = `/collectivites/${RENNES.siret}`;
    const page = await callRoute(communeRoute, "loader", { path, params: { siret: RENNES.siret } });
    const html = await renderRoute(communeRoute.default, page.data as object, path);
    expect(html).toContain("Rennes ne peut pas encore recevoir votre quotient familial par ce service");
    expect(html).not.toContain("/me_connecter");
    const login = await callRoute(loginRoute, "loader", {
      path: `${path}/me_connecter?external_id=42`,
      params: { siret: RENNES.siret },
    });
    expect(login).toMatchObject({ status: 302, location: path });

    const angers = await callRoute(communeRoute, "loader", {
      path: `/collectivites/${ANGERS.siret}`,
      params: { siret: ANGERS.siret },
    });
    expect(await renderRoute(communeRoute.default, angers.data as object, `/collectivites/${ANGERS.siret}`)).toContain(
      `/collectivites/${ANGERS.siret}/me_connecter`,
    );
  });
});

describe("a commune completed or added by a platform administrator", () => {
  const path = "/portail/administration";
  let cookie: string;
  beforeAll(async () => {
    const operator = await createAgent(handle.db, { email: "support@numerique.gouv.fr", platformAdmin: true });
    cookie = await signIn(handle.db, operator.id);
  });
  const post = (form: Record<string, string>) =>
    callRoute(platformRoute, "action", { path, cookie, form: { intent: "complete-commune", ...form } });

  it("refuses a wrong SIRET or an INSEE code that is no current commune, in French, keeping what was typed", async () => {
    const answer = await post({ siret: "21490007900011", codeCog: "99999", editor: "" });
    expect(answer.status).toBe(400);
    expect(answer.data).toMatchObject({
      communeValues: { siret: "21490007900011", codeCog: "99999" },
      communeErrors: {
        siret: expect.stringMatching(/^Ce SIRET n’est pas valide/),
        codeCog: expect.stringMatching(/^Ce code INSEE/),
      },
    });
    const html = await renderRoute(
      platformRoute.default,
      (await callRoute(platformRoute, "loader", { path, cookie })).data as object,
      path,
      answer.data as object,
    );
    expect(html).toMatch(/<input[^>]*name="codeCog"[^>]*aria-invalid="true"/);
  });

  it("completes a commune DataPass left pending: name and département from the COG, active, journaled", async () => {
    const [pending] = await handle.db
      .insert(collectivities)
      .values({ name: "À compléter", siret: "21490099900001", codeCog: "00000", departement: "00", status: "inactive" })
      .returning();
    const answer = await post({ siret: "214 900 999 00001", codeCog: "49007", editor: "" });
    expect(answer).toMatchObject({ status: 302, location: path });
    const [row] = await handle.db.select().from(collectivities).where(eq(collectivities.id, pending!.id));
    expect(row).toMatchObject({ name: "Angers", codeCog: "49007", departement: "49", status: "active" });
    const trail = await handle.db.select().from(auditEvents).where(eq(auditEvents.collectivityId, pending!.id));
    expect(trail.map((e) => e.action)).toEqual(["collectivity.completed"]);
    // A complete commune is left as it is.
    expect(await post({ siret: "21490099900001", codeCog: "35238", editor: "" })).toMatchObject({ status: 409 });
  });

  it("adds a commune by hand, with its software editor", async () => {
    const answer = await post({ siret: "21440143000001", codeCog: "44143", editor: "Arpège" });
    expect(answer).toMatchObject({ status: 302, location: path });
    const [row] = await handle.db.select().from(collectivities).where(eq(collectivities.siret, "21440143000001"));
    expect(row).toMatchObject({ name: "Rezé", departement: "44", status: "active", editor: "Arpège" });
  });
});
