import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema/index.ts";

/*
 * What Remix sends to browsers must hold no server code (ADR 017). A page reaches the bundle
 * through every module it imports that is not .server, and one value imported from db/ was
 * enough to ship drizzle, our table definitions and their SQL to every agent's browser. The lint
 * rules catch the import; this catches whatever path they miss. `npm test` builds first.
 */

const BUILD_DIR = fileURLToPath(new URL("../../public/build", import.meta.url));

const TABLE_NAMES = (Object.values(schema) as unknown[])
  .filter((value): value is PgTable => is(value, PgTable))
  .map((table) => getTableName(table));
const tables = TABLE_NAMES.join("|");

/**
 * Checked against a real build: none of these occurs in React, Remix, the DSFR or our pages,
 * whose French text and code samples (`import crypto from "node:crypto"`) they must not flag.
 */
const SERVER_CODE_MARKERS: { name: string; pattern: RegExp }[] = [
  { name: "drizzle", pattern: /drizzle/i },
  { name: "drizzle's PostgreSQL core", pattern: /pgTable|\bPg(?:Table|Column|Dialect|Database|Enum)\w*/ },
  // pgTable("agents", { … }) once minified: x("agents",{id:…
  { name: "a table definition of db/schema", pattern: new RegExp(`\\(\\s*["'\`](?:${tables})["'\`]\\s*,\\s*[{(]`) },
  { name: "SQL (CASE WHEN)", pattern: /\bcase\s+when\b/i },
  { name: "SQL (SELECT … FROM)", pattern: /\bselect\s+(?:distinct\s+)?[\w"*.(),\s]{1,200}?\s+from\s+["\w]/i },
  { name: "SQL (INSERT INTO)", pattern: /\binsert\s+into\b/i },
  { name: "SQL (UPDATE … SET)", pattern: /\bupdate\s+"?\w+"?\s+set\b/i },
  { name: "SQL (DELETE FROM)", pattern: /\bdelete\s+from\b/i },
  { name: "SQL (ON CONFLICT)", pattern: /\bon\s+conflict\b/i },
  { name: "SQL (SKIP LOCKED)", pattern: /\bskip\s+locked\b/i },
  {
    name: "SQL (a table of ours after FROM, JOIN, INTO or UPDATE)",
    pattern: new RegExp(`\\b(?:from|join|into|update)\\s+"?(?:${tables})\\b"?(?![\\w./-])`, "i"),
  },
];

/** Each marker found in `text`, with what surrounds it. */
function serverCodeIn(text: string): { marker: string; excerpt: string }[] {
  return SERVER_CODE_MARKERS.flatMap(({ name, pattern }) => {
    const match = pattern.exec(text);
    if (!match) return [];
    return [{ marker: name, excerpt: text.slice(Math.max(0, match.index - 60), match.index + 80) }];
  });
}

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

describe("the browser bundle", () => {
  it("holds no drizzle, no table definition and no SQL", () => {
    // A missing build must fail, not pass: an empty folder holds no leak either.
    expect(
      existsSync(BUILD_DIR) && readdirSync(BUILD_DIR).some((name) => name.startsWith("manifest-")),
      "public/build est absent ou incomplet : lancez `npm run build` avant ce test (npm test le fait).",
    ).toBe(true);

    const leaks: string[] = [];
    let files = 0;
    for (const path of filesUnder(BUILD_DIR)) {
      files += 1;
      // latin1 reads any byte: fonts and images are scanned too, without a decoding error.
      for (const { marker, excerpt } of serverCodeIn(readFileSync(path, "latin1"))) {
        leaks.push(`public/build/${relative(BUILD_DIR, path)}: ${marker} in ${JSON.stringify(excerpt)}`);
      }
    }
    expect(files).toBeGreaterThan(0);
    expect(leaks, `server code in the browser bundle:\n${leaks.join("\n")}`).toEqual([]);
  });

  // The markers themselves, on excerpts of a build that leaked (before ADR 017) and on
  // excerpts of a clean one: a marker that no longer matches would let the test above pass.
  it.each([
    ['var a=Symbol.for("drizzle:entityKind"),Me=Symbol.for("drizzle:hasOwnEntityKind");', "drizzle"],
    ['};r(C,Qr,"PgTable"),r(C,"Symbol",Object.assign({},v.Symbol', "drizzle's PostgreSQL core"],
    ['var rn=x("agents",{id:f("id").primaryKey().defaultRandom(', "a table definition of db/schema"],
    ["var w=_`case\n  when s.last_error is null then 'inconnu'", "SQL (CASE WHEN)"],
    ['sql`select count(*) from "shipments" where status = ${s}`', "SQL (SELECT … FROM)"],
    ["sql`insert into audit_events (id) values (${id})`", "SQL (INSERT INTO)"],
    ["update qf_campaign_items set status = 'done'", "SQL (UPDATE … SET)"],
    ["join family_status_changes c on c.family_id = f.id", "SQL (a table of ours after FROM, JOIN, INTO or UPDATE)"],
  ])("the markers flag %j", (excerpt, marker) => {
    expect(serverCodeIn(excerpt).map((found) => found.marker)).toContain(marker);
  });

  it.each([
    ['x=`import crypto from "node:crypto";`'],
    ['"routes/portail.communes.$siret","path":"agents","module":"/build/routes/x.js"'],
    ['"family_files.purged":"Dossiers expirés supprimés","data_retention.updated":"Durée"'],
    ['switch(e.type){case"select":return n.multiple;case"textarea":}'],
    ["Sélectionnez les événements envoyés depuis votre commune"],
    ['import{a as b}from"/build/_shared/chunk-ZT4QWOFN.js";'],
  ])("the markers leave %j alone", (excerpt) => {
    expect(serverCodeIn(excerpt)).toEqual([]);
  });
});
