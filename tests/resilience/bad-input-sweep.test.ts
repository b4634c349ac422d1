import crypto from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { families } from "../../db/schema/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { resetRateLimits } from "../../app/http/rate-limit.server.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { ROOT } from "../helpers/app-process.ts";
import { testLoadContext } from "../helpers/load-context.ts";
import { addMember, callRoute, createAgent, signIn, type RouteAnswer } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * Property-based sweep of every public form and every portal form an agent can reach, with
 * random and hostile inputs (very long strings, control characters, SQL, HTML and spreadsheet
 * formula payloads, wrong types): never a 500 (a route that throws anything but a Response is a
 * 500 in Remix), error messages in French, and nothing stored that validation should have
 * refused. Portal routes are discovered from disk, and their field names and intents are read
 * from their source, so a form added later is swept too.
 */

const HOSTILE = [
  "' OR 1=1 --",
  "'; drop table families; --",
  '"><script>alert(1)</script>',
  "<img src=x onerror=alert(1)>",
  '=HYPERLINK("http://evil.example","x")',
  "+cmd|' /C calc'!A0",
  "@SUM(1+1)",
  "-1",
  "1e309",
  "NaN",
  "null",
  "undefined",
  "[object Object]",
  "../../etc/passwd",
  "%00",
  "\u0000\u0001\u0007\u001b[31m",
  "\u202e\u200b\ufeff",
  "𝕏".repeat(50),
  "https://evil.example/",
  "javascript:alert(1)",
  "2026-02-30",
  "99999999999999999999",
  "21490007900010",
] as const;

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ minLength: 5_000, maxLength: 20_000 }).map((s) => s || "x".repeat(5_000)),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constant(""),
);

/** English left over from a library's default messages (zod, fetch, JSON.parse…). */
const ENGLISH = /\b(Invalid|Expected|Required|must be|received|is not defined|Unexpected token|Cannot read)\b/;

/** C0 controls other than tab and line breaks, and DEL: never legitimate in a stored field. */
const hasControlCharacter = (text: string) =>
  [...text].some((c) => {
    const code = c.codePointAt(0)!;
    return (code < 0x20 && c !== "\t" && c !== "\n" && c !== "\r") || code === 0x7f;
  });

/** Headers only carry visible ASCII: what a client can actually send. */
const headerSafe = (text: string) =>
  [...text].filter((c) => c.codePointAt(0)! >= 0x20 && c.codePointAt(0)! < 0x7f).join("");

function collectStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) collectStrings(v, out);
  return out;
}

/** Messages shown to the user: strings under keys that name an error or a message. */
function userMessages(data: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown) => {
    if (!value || typeof value !== "object") return;
    for (const [key, v] of Object.entries(value)) {
      if (/error|message|erreur/i.test(key)) collectStrings(v, found);
      else walk(v);
    }
  };
  walk(data);
  return found;
}

function expectSafe(answer: RouteAnswer, what: string) {
  expect(answer.status, what).toBeLessThan(500);
  for (const message of userMessages(answer.data)) expect(message, what).not.toMatch(ENGLISH);
}

let handle: DatabaseHandle;
let cookie: string;
let siret: string;
let familyId: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabaseHandle(handle);
  await seedDemo(handle.db);
  const [angers] = await handle.db
    .execute<{ id: string; siret: string }>(sql`select id, siret from collectivities where name = 'Angers'`)
    .then((r) => (Array.isArray(r) ? r : (r as unknown as { rows: { id: string; siret: string }[] }).rows));
  siret = angers!.siret;
  const agent = await createAgent(handle.db, { email: "sweep.admin@example.fr" });
  await addMember(handle.db, agent.id, angers!.id, "admin");
  cookie = await signIn(handle.db, agent.id);
  const [family] = await handle.db
    .insert(families)
    .values({
      collectivityId: angers!.id,
      identityKey: crypto.randomBytes(32).toString("hex"),
      familyName: "DURAND",
      givenNames: "Léa",
      gender: "female",
      birthdate: "1985-03-02",
      birthcountry: "99100",
      qfValue: 800,
      searchText: "durand lea",
    })
    .returning();
  familyId = family!.id;
});
afterAll(async () => {
  await handle?.close();
});

const ROUTES_DIR = path.join(ROOT, "app/routes");
type RouteModule = Parameters<typeof callRoute>[0];

/** Field names and literal values (intents, options) a route's source mentions. */
function formVocabulary(source: string) {
  const names = new Set<string>();
  for (const m of source.matchAll(/(?:form|formData|data)\.get(?:All)?\(\s*"([^"]+)"/g)) names.add(m[1]!);
  for (const m of source.matchAll(/\bname="([^"]+)"/g)) names.add(m[1]!);
  for (const m of source.matchAll(/\bname=\{"([^"]+)"\}/g)) names.add(m[1]!);
  const values = new Set<string>();
  for (const m of source.matchAll(/(?:value|===)\s*=?\s*"([a-z][a-z0-9_.-]{1,40})"/g)) values.add(m[1]!);
  return { names: [...names], values: [...values] };
}

// A route is a file (`x.tsx`) or a folder (`x/route.tsx`) whose forms and action may live in the
// files beside it: the vocabulary of a folder is all of its files.
const portalActionRoutes = readdirSync(ROUTES_DIR, { withFileTypes: true })
  .filter((entry) => entry.name.startsWith("portail.communes.$siret"))
  .flatMap((entry) => {
    if (entry.isDirectory()) return [`${entry.name}/route.tsx`];
    return /\.tsx?$/.test(entry.name) && !/\.test\./.test(entry.name) ? [entry.name] : [];
  })
  .filter((f) =>
    /export (async )?function action|export const action/.test(readFileSync(path.join(ROUTES_DIR, f), "utf8")),
  );

function routeSource(file: string): string {
  if (!file.endsWith("/route.tsx")) return readFileSync(path.join(ROUTES_DIR, file), "utf8");
  const folder = path.join(ROUTES_DIR, path.dirname(file));
  return readdirSync(folder)
    .filter((f) => !/\.test\./.test(f))
    .map((f) => readFileSync(path.join(folder, f), "utf8"))
    .join("\n");
}

function routePath(file: string, params: Record<string, string>) {
  const id = file.replace(/\/route\.tsx$/, "").replace(/\.tsx?$/, "");
  const segments = id
    .split(".")
    .map((s) => s.replace(/_$/, ""))
    .filter((s) => s && s !== "_index");
  return (
    "/" +
    segments
      .map((s) => (s.startsWith("$") ? encodeURIComponent(params[s.slice(1)] ?? "x") : s.replace(/\[|\]/g, "")))
      .join("/")
  );
}

describe("bad-input sweep", () => {
  it("portal actions reachable by an agent never fail with a 500", { timeout: 120_000 }, async () => {
    expect(portalActionRoutes.length).toBeGreaterThan(5);
    const statuses = new Map<string, number>();
    for (const file of portalActionRoutes) {
      const source = routeSource(file);
      const module = (await import(path.join(ROUTES_DIR, file))) as RouteModule;
      const vocabulary = formVocabulary(source);
      const value = fc.oneof(
        { weight: 2, arbitrary: vocabulary.values.length ? fc.constantFrom(...vocabulary.values) : hostileString },
        { weight: 3, arbitrary: hostileString },
      );
      const field = vocabulary.names.length
        ? fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(...vocabulary.names) },
            { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
          )
        : fc.string({ maxLength: 20 });
      const params = fc.record({
        familyId: fc.oneof(fc.constant(familyId), hostileString),
        campaignId: fc.oneof(fc.uuid(), hostileString),
        endpointId: fc.oneof(fc.uuid(), hostileString),
        exportId: fc.oneof(fc.uuid(), hostileString),
        attachmentId: fc.oneof(fc.uuid(), hostileString),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(field, value, { maxKeys: 8 }),
          // Mostly a real intent, so the sweep gets past "unknown action" into each form's validation.
          fc.option(vocabulary.values.length ? fc.constantFrom(...vocabulary.values) : hostileString, { freq: 5 }),
          params,
          async (fields, intent, extra) => {
            const form = intent === null ? fields : { ...fields, intent };
            const routeParams = { siret, ...extra };
            const answer = await callRoute(module, "action", {
              path: routePath(file, routeParams),
              params: routeParams,
              cookie,
              form,
            });
            expectSafe(answer, `${file} ${JSON.stringify(form).slice(0, 300)}`);
            statuses.set(`${file} ${answer.status}`, (statuses.get(`${file} ${answer.status}`) ?? 0) + 1);
          },
        ),
        { numRuns: 40, seed: 20261126 },
      );
    }

    // The sweep reached the forms' validation, not only the access checks.
    const reached = [...statuses.keys()].filter((k) => !/ (302|401|403|404)$/.test(k));
    expect(reached.length, JSON.stringify([...statuses])).toBeGreaterThan(portalActionRoutes.length / 2);
    if (process.env.SWEEP_DEBUG) console.info(JSON.stringify([...statuses]));

    // Nothing stored that validation should have refused.
    const rows = async <T>(query: ReturnType<typeof sql>) => {
      const result = await handle.db.execute(query);
      return (Array.isArray(result) ? result : (result as unknown as { rows: T[] }).rows) as T[];
    };
    for (const row of await rows<{ email: string }>(sql`select email from invitations`)) {
      expect(row.email).toMatch(/^[^\s@]+@[^\s@]+\.[^\s@]+$/);
      expect(hasControlCharacter(row.email), row.email).toBe(false);
    }
    for (const row of await rows<{ label: string; min_value: number | null; max_value: number | null }>(
      sql`select label, min_value, max_value from tariff_brackets`,
    )) {
      expect(hasControlCharacter(row.label), row.label).toBe(false);
      expect(row.label.length).toBeLessThanOrEqual(200);
    }
    for (const row of await rows<{ origins: string[] }>(sql`select redirect_origins as origins from collectivities`)) {
      for (const origin of row.origins) expect(origin).toMatch(/^https?:\/\/[^/\s]+$/);
    }
    for (const row of await rows<{ body: string }>(sql`select body from family_annotations`)) {
      expect(hasControlCharacter(row.body)).toBe(false);
    }
  });

  it("the public forms and deep links never fail with a 500", { timeout: 60_000 }, async () => {
    const search = await import("../../app/routes/collectivites._index.tsx");
    const callback = await import("../../app/routes/auth.franceconnect.callback.tsx");
    const deepLink = await import("../../app/routes/collectivites.$siret.me_connecter.tsx");
    const review = await import("../../app/routes/demarche.verification.tsx");
    const query = (entries: Record<string, string>) => new URLSearchParams(entries).toString();
    await fc.assert(
      fc.asyncProperty(
        fc.record({ q: hostileString, departement: hostileString, page: hostileString }),
        fc.record({
          code: hostileString,
          state: hostileString,
          error: hostileString,
          error_description: hostileString,
        }),
        fc.record({
          siret: fc.oneof(fc.constant(siret), hostileString),
          external_id: hostileString,
          redirect_uri: hostileString,
        }),
        fc.dictionary(fc.constantFrom("consentement", "intent", "website", "x"), hostileString, { maxKeys: 4 }),
        async (s, cb, link, form) => {
          resetRateLimits();
          expectSafe(await callRoute(search, "loader", { path: `/collectivites?${query(s)}` }), "recherche");
          expectSafe(
            await callRoute(callback, "loader", { path: `/auth/franceconnect/callback?${query(cb)}` }),
            "retour FranceConnect",
          );
          const { siret: linkSiret, ...linkParams } = link;
          expectSafe(
            await callRoute(deepLink, "loader", {
              path: `/collectivites/${encodeURIComponent(linkSiret)}/me_connecter?${query(linkParams)}`,
              params: { siret: linkSiret },
            }),
            "me_connecter",
          );
          expectSafe(await callRoute(review, "action", { path: "/demarche/verification", form }), "transmission");
        },
      ),
      { numRuns: 60, seed: 20261126 },
    );
  });

  it("the DataPass webhook answers 4xx, never 500, to hostile bodies and signatures", async () => {
    const webhook = await import("../../app/routes/api.datapass.webhook.ts");
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.json(), hostileString, fc.constant("{}"), fc.constant('{"event":"approve","data":null}')),
        fc.oneof(hostileString, fc.constant("sha256=" + "0".repeat(64))),
        fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", ""),
        async (body, signature, contentType) => {
          resetRateLimits();
          const headers = new Headers({
            "X-Hub-Signature-256": headerSafe(signature),
          });
          if (contentType) headers.set("Content-Type", contentType);
          const request = new Request("http://localhost:3000/api/datapass/webhook", { method: "POST", headers, body });
          let status: number;
          try {
            const result = await webhook.action({ request, params: {}, context: testLoadContext() } as never);
            status = result instanceof Response ? result.status : 200;
          } catch (thrown) {
            if (!(thrown instanceof Response)) throw thrown;
            status = thrown.status;
          }
          expect(status).toBeGreaterThanOrEqual(400);
          expect(status).toBeLessThan(500);
        },
      ),
      { numRuns: 100, seed: 20261126 },
    );
  });
});
