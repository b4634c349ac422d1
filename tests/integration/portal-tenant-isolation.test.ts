import crypto from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import {
  auditEvents,
  caseAttachments,
  families,
  familyExports,
  qfCampaigns,
  receivedCases,
  webhookEndpoints,
  tariffServices,
  tariffVersions,
} from "../../db/schema/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { ROOT } from "../helpers/app-process.ts";
import {
  addMember,
  callRoute,
  createAgent,
  createCommune,
  signIn,
  type RouteAnswer,
} from "../helpers/portal-fixtures.ts";
import { insertFamily } from "../helpers/export-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * Tenant isolation on every portal route, present and future: the route files
 * under app/routes/portail* are listed from disk, so a route added later is
 * covered without touching this test. Each loader and action is called as
 * Remix would call it:
 * - without a session → redirect to /portail/connexion (public routes aside);
 * - by an administrator of another commune → 404 (or 403) on every route of a
 *   commune ($siret), never 200 with data; same for a platform administrator
 *   who is not a member;
 * - by a plain agent → 403 on the platform administration.
 */

const ROUTES_DIR = path.join(ROOT, "app/routes");

/** Reachable without a session: how one gets a session in the first place. */
const PUBLIC_ROUTES = new Set(["portail.connexion", "portail.auth.callback", "portail.auth.logout-callback"]);
/** Serve the signed-in agent's own data (their communes, their logout), whoever they are. */
const AGENT_ROUTES = new Set(["portail._index", "portail.deconnexion", "portail.preferences"]);
/** The platform administration: platform administrators only. */
const isPlatformRoute = (id: string) => id === "portail.administration" || id.startsWith("portail.administration.");

interface PortalRoute {
  id: string;
  file: string;
  /** URL path with the params filled in, and the params. */
  path: string;
  params: Record<string, string>;
  paramNames: string[];
}

/** Remix flat routes: "portail.communes.$siret.dossiers.$id" → /portail/communes/:siret/dossiers/:id. */
function listPortalRoutes(fill: (param: string) => string): PortalRoute[] {
  const routes: PortalRoute[] = [];
  for (const entry of readdirSync(ROUTES_DIR)) {
    if (!entry.startsWith("portail") || /\.test\.[jt]sx?$/.test(entry)) continue;
    const full = path.join(ROUTES_DIR, entry);
    let file: string | null = null;
    let id = entry;
    if (statSync(full).isDirectory()) {
      // Folder routes: portail.x/route.tsx
      const inner = readdirSync(full).find((name) => /^route\.[jt]sx?$/.test(name));
      if (!inner) continue;
      file = path.join(full, inner);
    } else if (/\.[jt]sx?$/.test(entry)) {
      file = full;
      id = entry.replace(/\.[jt]sx?$/, "");
    }
    if (!file) continue;
    const params: Record<string, string> = {};
    const paramNames: string[] = [];
    const segments: string[] = [];
    for (const raw of id.split(".")) {
      const segment = raw.replace(/_$/, "");
      if (segment === "_index" || segment.startsWith("_") || segment === "") continue;
      if (segment === "$") {
        params["*"] = fill("*");
        paramNames.push("*");
        segments.push(params["*"]!);
      } else if (segment.startsWith("$")) {
        const name = segment.slice(1);
        params[name] = fill(name);
        paramNames.push(name);
        segments.push(params[name]!);
      } else {
        segments.push(segment);
      }
    }
    routes.push({ id, file, path: `/${segments.join("/")}`, params, paramNames });
  }
  return routes.sort((a, b) => a.id.localeCompare(b.id));
}

type RouteModule = { loader?: (args: never) => unknown; action?: (args: never) => unknown };

describe("tenant isolation of the portal routes", () => {
  let handle: DatabaseHandle;
  let routes: PortalRoute[];
  const modules = new Map<string, RouteModule>();
  let targetSiret: string;
  let targetId: string;
  let foreignSiret: string;
  /** Real records of the target commune, by route param name. */
  const targetRecords: Record<string, string> = {};
  let foreignAdminId: string;
  const cookies: Record<"member" | "foreignAdmin" | "foreignAgent" | "platformAdmin", string> = {
    member: "",
    foreignAdmin: "",
    foreignAgent: "",
    platformAdmin: "",
  };

  beforeAll(async () => {
    handle = await createTestDatabase();
    useDatabaseHandle(handle);
    const db = handle.db;
    const target = await createCommune(db, "Commune cible", 101);
    const foreign = await createCommune(db, "Autre commune", 102);
    targetSiret = target.siret;
    targetId = target.id;
    foreignSiret = foreign.siret;
    await createTargetRecords(db, target.id);

    const member = await createAgent(db, { email: "admin@cible.fr" });
    await addMember(db, member.id, target.id, "admin");
    const foreignAdmin = await createAgent(db, { email: "admin@autre.fr" });
    await addMember(db, foreignAdmin.id, foreign.id, "admin");
    foreignAdminId = foreignAdmin.id;
    const foreignAgent = await createAgent(db, { email: "agent@autre.fr" });
    await addMember(db, foreignAgent.id, foreign.id, "agent");
    const platformAdmin = await createAgent(db, { email: "plateforme@example.fr", platformAdmin: true });

    cookies.member = await signIn(db, member.id);
    cookies.foreignAdmin = await signIn(db, foreignAdmin.id);
    cookies.foreignAgent = await signIn(db, foreignAgent.id);
    cookies.platformAdmin = await signIn(db, platformAdmin.id);

    // Every param but the commune's gets a well-formed id that exists nowhere.
    routes = listPortalRoutes((name) => (name === "siret" ? target.siret : crypto.randomUUID()));
    for (const route of routes) modules.set(route.id, (await import(/* @vite-ignore */ route.file)) as RouteModule);
  });
  afterAll(async () => {
    await handle?.close();
  });

  const exported = (route: PortalRoute) =>
    (["loader", "action"] as const).filter((kind) => typeof modules.get(route.id)?.[kind] === "function");
  const call = (route: PortalRoute, kind: "loader" | "action", cookie: string | null): Promise<RouteAnswer> =>
    callRoute(modules.get(route.id)!, kind, { path: route.path, params: route.params, cookie });
  const communeRoutes = () => routes.filter((route) => route.paramNames.includes("siret"));

  /** The intents a route's action reads (`intent … "value"` in its source), else a stray one. */
  const intentsOf = (route: PortalRoute) => {
    const source = readFileSync(route.file, "utf8");
    const found = [...source.matchAll(/intent[^\n]{0,40}?["']([a-z][\w-]*)["']/g)].map((m) => m[1]!);
    return found.length > 0 ? [...new Set(found)] : ["probe"];
  };

  /** One real record of each kind a portal URL can name, in the target commune. */
  async function createTargetRecords(db: DatabaseHandle["db"], collectivityId: string) {
    const familyId = await insertFamily(db, collectivityId, { familyName: "Cible", reference: "ABCDEF0123456" });
    const [receivedCase] = await db.select().from(receivedCases).where(eq(receivedCases.familyId, familyId));
    const [attachment] = await db
      .insert(caseAttachments)
      .values({
        caseId: receivedCase!.id,
        hubeeAttachmentId: "att-1",
        fileName: "FormulaireQF.json",
        mimeType: "application/json",
        size: 2,
        sha256: "RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=",
        digestVerified: true,
        content: Buffer.from("{}"),
      })
      .returning();
    const [campaign] = await db
      .insert(qfCampaigns)
      .values({ collectivityId, annee: 2026, mois: 11, scope: "all", trigger: "agent" })
      .returning();
    const [endpoint] = await db
      .insert(webhookEndpoints)
      .values({
        id: crypto.randomUUID(),
        collectivityId,
        url: "https://cible.example.fr/webhook",
        events: ["dossier.recu"],
        secretEncrypted: "chiffré",
      })
      .returning();
    const [exported] = await db
      .insert(familyExports)
      .values({
        collectivityId,
        format: "csv",
        query: {},
        queryKey: "tous",
        asOf: new Date(),
        dataVersion: "v1",
        fileName: "familles.csv",
        expiresAt: new Date(Date.now() + 3_600_000),
      })
      .returning();
    const [service] = await db
      .insert(tariffServices)
      .values({ collectivityId, name: "Restauration scolaire", unit: "repas" })
      .returning();
    await db.insert(tariffVersions).values({
      serviceId: service!.id,
      collectivityId,
      validFrom: "2027-09-01",
      rule: {
        kind: "effort",
        rate: 3200,
        floorCents: 50,
        ceilingCents: 420,
        noQfPriceCents: 420,
        roundingCents: 1,
        siblingReduction: null,
      },
    });
    Object.assign(targetRecords, {
      serviceId: service!.id,
      familyId,
      attachmentId: attachment!.id,
      campaignId: campaign!.id,
      endpointId: endpoint!.id,
      exportId: exported!.id,
    });
  }

  it("finds the portal routes, and knows what each one is", () => {
    expect(routes.map((r) => r.id)).toEqual(
      expect.arrayContaining([
        "portail._index",
        "portail.connexion",
        "portail.communes.$siret.parametres",
        "portail.communes.$siret.journal",
      ]),
    );
    const unclassified = routes.filter(
      (route) =>
        !route.paramNames.includes("siret") &&
        !PUBLIC_ROUTES.has(route.id) &&
        !AGENT_ROUTES.has(route.id) &&
        !isPlatformRoute(route.id),
    );
    // A new portal route outside /portail/communes/$siret must be classified here on purpose.
    expect(unclassified.map((r) => r.id)).toEqual([]);
  });

  it("redirects every non-public loader and action to the login page without a session", async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => !PUBLIC_ROUTES.has(r.id))) {
      for (const kind of exported(route)) {
        const answer = await call(route, kind, null);
        if (answer.status !== 302 || !answer.location?.startsWith("/portail/connexion")) {
          failures.push(`${route.id} ${kind}: ${answer.status} ${answer.location ?? ""}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it.each(["foreignAdmin", "foreignAgent", "platformAdmin"] as const)(
    "answers 404/403 on every loader and action of a commune to a non-member (%s)",
    async (who) => {
      const failures: string[] = [];
      for (const route of communeRoutes()) {
        for (const kind of exported(route)) {
          const answer = await call(route, kind, cookies[who]);
          if (answer.status !== 404 && answer.status !== 403) failures.push(`${route.id} ${kind}: ${answer.status}`);
        }
      }
      expect(failures).toEqual([]);
    },
  );

  it("answers 404/403 when an agent names another commune's real records under their own commune", async () => {
    const failures: string[] = [];
    const recordRoutes = communeRoutes().filter((route) => route.paramNames.length > 1);
    expect(recordRoutes.length).toBeGreaterThanOrEqual(7);
    for (const route of recordRoutes) {
      const params: Record<string, string> = { siret: foreignSiret };
      for (const name of route.paramNames.filter((n) => n !== "siret")) {
        const id = targetRecords[name];
        if (!id) throw new Error(`no target record for :${name} (${route.id}): add one to createTargetRecords`);
        params[name] = id;
      }
      const urlPath = route.paramNames.reduce((p, name) => p.replace(route.params[name]!, params[name]!), route.path);
      for (const kind of exported(route)) {
        // Actions are tried with every intent their route knows, so a form check that answers
        // before the tenant check cannot hide a missing one.
        const forms = kind === "action" ? intentsOf(route).map((intent) => ({ intent })) : [undefined];
        for (const form of forms) {
          const answer = await callRoute(modules.get(route.id)!, kind, {
            path: urlPath,
            params,
            cookie: cookies.foreignAdmin,
            form,
          });
          if (answer.status !== 404 && answer.status !== 403) {
            failures.push(`${route.id} ${kind}${form ? ` (${form.intent})` : ""}: ${answer.status}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // The actions changed nothing: every record is still there, unchanged.
    const db = handle.db;
    expect(await db.select().from(families).where(eq(families.id, targetRecords.familyId!))).toHaveLength(1);
    const [campaign] = await db.select().from(qfCampaigns).where(eq(qfCampaigns.id, targetRecords.campaignId!));
    expect(campaign!.status).toBe("running");
    expect(
      await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, targetRecords.endpointId!)),
    ).toHaveLength(1);
    expect(await db.select().from(familyExports).where(eq(familyExports.id, targetRecords.exportId!))).toHaveLength(1);
    const versions = await db
      .select()
      .from(tariffVersions)
      .where(eq(tariffVersions.serviceId, targetRecords.serviceId!));
    expect(versions.map((v) => v.status)).toEqual(["draft"]);
  });

  it("left no trace of the foreign attempts in the commune: nothing was changed or audited", async () => {
    const events = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.collectivityId, targetId), eq(auditEvents.actorAgentId, foreignAdminId)));
    expect(events).toEqual([]);
  });

  it("answers 403 on the platform administration to commune agents and administrators", async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => isPlatformRoute(r.id))) {
      for (const kind of exported(route)) {
        for (const who of ["foreignAdmin", "member"] as const) {
          const answer = await call(route, kind, cookies[who]);
          if (answer.status !== 403) failures.push(`${route.id} ${kind} (${who}): ${answer.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("serves the same loaders to a member of the commune (the checks above are not vacuous)", async () => {
    const failures: string[] = [];
    // Only routes whose sole param is the commune: other params were filled with ids that exist nowhere.
    for (const route of communeRoutes().filter((r) => r.paramNames.length === 1)) {
      if (!exported(route).includes("loader")) continue;
      const answer = await call(route, "loader", cookies.member);
      if (
        answer.status !== 200 &&
        !(answer.status === 302 && answer.location?.startsWith(`/portail/communes/${targetSiret}`))
      ) {
        failures.push(`${route.id} loader: ${answer.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(communeRoutes().length).toBeGreaterThanOrEqual(5);
  });
});
