import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { openDatabase, queryRows, schema, type Database } from "../db/client.ts";
import { useDatabaseHandle } from "../app/db.server.ts";
import { sql } from "drizzle-orm";
import {
  buildInboxWhere,
  inboxNeighbours,
  inboxOrderBy,
  listInbox,
  parseInboxQuery,
  type InboxQuery,
} from "../app/portal/dossiers/dossier-list-query.server.ts";
import * as inboxRoute from "../app/routes/portail.communes.$siret.dossiers._index/route.tsx";
import { addMember, callRoute, createAgent, signIn } from "../tests/helpers/portal-fixtures.ts";
import { existsSync } from "node:fs";
import { ROOT } from "../tests/helpers/app-process.ts";
import { measureInboxOverHttp, P95_GOAL_MS, type InboxHttpResult } from "./inbox-http.ts";
import { createBenchDatabase, fmt, now, scaled, summarize, table, type BenchResult } from "./lib.ts";

/**
 * Inbox at national scale: 1,000,000 family files over 1,000 communes, the largest with 50,000,
 * each with its received case (the list shows the latest reference), and the largest commune's
 * finished yearly update (the list's notice shows its QF changes). For each list query of the
 * portal, three timings at the largest commune, interleaved:
 *
 * - "SQL seul": the exact statements listInbox sent (captured by a drizzle logger), run raw on
 *   the same connection pool — the baseline;
 * - "listInbox": the real query code (parsing already done), i.e. what our code adds to the SQL;
 * - "loader": the inbox route's loader (session, membership, tariff brackets, campaign changes,
 *   alerts, mapping), i.e. the server time of the page without rendering.
 */

/** Agents of the largest commune on its list at once, over HTTP (issue 20). */
const HTTP_AGENTS = 20;

interface Scenario {
  label: string;
  params: string;
}

const SCENARIOS: Scenario[] = [
  { label: "Onglet « À traiter »", params: "" },
  { label: "Onglet « En cours »", params: "onglet=en-cours" },
  { label: "Onglet « Traités »", params: "onglet=traites" },
  { label: "Onglet « Refusés »", params: "onglet=refuses" },
  { label: "Onglet « Erreurs »", params: "onglet=erreurs" },
  { label: "Onglet « Tous »", params: "onglet=tous" },
  { label: "Recherche par nom (« martin »)", params: "onglet=tous&q=martin" },
  { label: "Recherche nom + prénom (« bernard mar »)", params: "onglet=tous&q=bernard+mar" },
  { label: "Recherche par référence", params: "onglet=tous&q=__REFERENCE__" },
  {
    label: "Filtres combinés (année, QF 500–1200, CAF, 2 enfants)",
    params: "onglet=tous&periode=annee&qfMin=500&qfMax=1200&regime=CNAF&enfants=2",
  },
  // Each filter alone reads through a different path: « régime MSA » alone scanned the whole table (ADR 040).
  { label: "Filtre régime MSA seul", params: "onglet=tous&regime=MSA" },
  { label: "Filtre 2 enfants seul", params: "onglet=tous&enfants=2" },
  { label: "Tri par nom", params: "onglet=tous&tri=nom" },
  { label: "Tri par QF, page 50", params: "onglet=tous&tri=qf&page=50" },
  { label: "Page profonde (500 × 100, offset 49 900)", params: "onglet=tous&page=500&parPage=100" },
  { label: "Page profonde triée par nom", params: "onglet=tous&tri=nom&page=500&parPage=100" },
  // Issue 19: two service price columns (one CASE each, on the page's rows) and a price range filter.
  { label: "Deux colonnes de tarifs", params: "onglet=tous&tarifs=__SERVICE1__&tarifs=__SERVICE2__" },
  {
    label: "Deux colonnes de tarifs, page profonde",
    params: "onglet=tous&tarifs=__SERVICE1__&tarifs=__SERVICE2__&page=500&parPage=100",
  },
  {
    label: "Deux colonnes + filtre tarif cantine 2,00–4,00 €",
    params: "onglet=tous&tarifs=__SERVICE1__&tarifs=__SERVICE2__&tarifService=__SERVICE1__&tarifMin=2&tarifMax=4",
  },
];

/** The two published services of the largest commune: a canteen grid and an evening effort rate. */
async function addServices(db: Database, collectivityId: string): Promise<[string, string]> {
  const rules = [
    {
      name: "Restauration scolaire",
      rule: {
        kind: "grid",
        brackets: [
          { label: "A", min: 0, max: 400, priceCents: 90 },
          { label: "B", min: 401, max: 700, priceCents: 180 },
          { label: "C", min: 701, max: 1000, priceCents: 270 },
          { label: "D", min: 1001, max: 1400, priceCents: 360 },
          { label: "E", min: 1401, max: null, priceCents: 450 },
        ],
        noQfPriceCents: 450,
        roundingCents: 1,
        siblingReduction: { percent: 10, fromChild: 2 },
      },
    },
    {
      name: "Accueil du soir",
      rule: {
        kind: "effort",
        rate: 3200,
        floorCents: 50,
        ceilingCents: 420,
        noQfPriceCents: 420,
        roundingCents: 5,
        siblingReduction: null,
      },
    },
  ];
  const ids: string[] = [];
  for (const { name, rule } of rules) {
    const [service] = await db
      .insert(schema.tariffServices)
      .values({ collectivityId, name, unit: "repas", perChild: true })
      .returning();
    await db
      .insert(schema.tariffVersions)
      .values({ serviceId: service!.id, collectivityId, status: "published", validFrom: "2020-09-01", rule });
    ids.push(service!.id);
  }
  return [ids[0]!, ids[1]!];
}

/** The family file's previous/next links: a file near the top of its list, and one in the middle. */
const NEIGHBOUR_SCENARIOS: { label: string; params: string; rank: number | "middle" }[] = [
  { label: "« À traiter », 10e dossier", params: "", rank: 10 },
  { label: "« À traiter », dossier du milieu", params: "", rank: "middle" },
  { label: "« Tous » par nom, 10e dossier", params: "onglet=tous&tri=nom", rank: 10 },
  { label: "« Tous » par nom, dossier du milieu", params: "onglet=tous&tri=nom", rank: "middle" },
];

const SURNAMES = [
  "martin", "bernard", "thomas", "petit", "robert", "richard", "durand", "dubois", "moreau", "laurent",
  "simon", "michel", "lefebvre", "leroy", "roux", "david", "bertrand", "morel", "fournier", "girard",
  "bonnet", "dupont", "lambert", "fontaine", "rousseau", "vincent", "muller", "lefevre", "faure", "andre",
  "mercier", "blanc", "guerin", "boyer", "garnier", "chevalier", "francois", "legrand", "gauthier", "garcia",
]; // prettier-ignore
const GIVEN = [
  "marie", "jean", "pierre", "michel", "claire", "nathalie", "isabelle", "philippe", "sophie", "nicolas",
  "julien", "camille", "lea", "lucas", "emma", "hugo", "chloe", "louis", "manon", "gabriel",
]; // prettier-ignore

export interface InboxBenchOptions {
  scale: number;
  /** Timed repetitions per query and mode. */
  runs?: number;
  log?: (line: string) => void;
}

export async function runInboxBench(options: InboxBenchOptions): Promise<BenchResult> {
  const started = now();
  const log = options.log ?? (() => {});
  // A smoke run (tiny scale) only proves the benchmark works.
  const runs = options.runs ?? (options.scale < 0.05 ? 3 : 30);
  const communes = scaled(1_000, options.scale, 2);
  const largest = scaled(50_000, options.scale, 50);
  const total = Math.max(largest + communes - 1, scaled(1_000_000, options.scale));
  const scratch = await createBenchDatabase("inbox");
  const handle = await openDatabase({ databaseUrl: scratch.url, maxConnections: 4 });
  // A second pool with a logger: it hands listInbox's exact SQL and parameters to the baseline.
  const client = postgres(scratch.url, { max: 4, onnotice: () => {} });
  const captured: { sql: string; params: unknown[] }[] = [];
  const capturing = drizzle(client, {
    schema,
    casing: "snake_case",
    logger: { logQuery: (sql, params) => captured.push({ sql, params }) },
  });
  try {
    log(`inbox: génération de ${total} dossiers sur ${communes} communes (la plus grande : ${largest})`);
    const generation = now();
    await generate(client, { communes, largest, total });
    const generationS = (now() - generation) / 1000;
    log(`inbox: données prêtes en ${fmt(generationS)} s`);

    const [big] = await client<{ id: string; siret: string; reference: string }[]>`
      select c.id, c.siret, (select rc.reference from received_cases rc where rc.collectivity_id = c.id limit 1) as reference
      from collectivities c order by c.siret limit 1`;
    const agent = await createAgent(handle.db, { email: "bench.agent@example.fr" });
    await addMember(handle.db, agent.id, big!.id, "agent");
    const cookie = await signIn(handle.db, agent.id);
    useDatabaseHandle(handle);
    const [service1, service2] = await addServices(handle.db, big!.id);

    const rows: (string | number)[][] = [];
    const explains: string[] = [];
    const pagePaths: { label: string; path: string }[] = [];
    let worstLoaderP95 = 0;
    let worstRatio = 0;
    for (const scenario of SCENARIOS) {
      const params = scenario.params
        .replace("__REFERENCE__", big!.reference.toLowerCase())
        .replaceAll("__SERVICE1__", service1)
        .replaceAll("__SERVICE2__", service2);
      const query = parseInboxQuery(new URLSearchParams(params));
      captured.length = 0;
      await listInbox(capturing, big!.id, query);
      const statements = [...captured];
      const raw = async () => {
        for (const s of statements) await client.unsafe(s.sql, s.params as never[]);
      };
      const viaCode = () => listInbox(capturing, big!.id, query);
      const path = `/portail/communes/${big!.siret}/dossiers${params ? `?${params}` : ""}`;
      pagePaths.push({ label: scenario.label, path });
      const viaLoader = async () => {
        const answer = await callRoute(inboxRoute, "loader", { path, params: { siret: big!.siret }, cookie });
        if (answer.status !== 200) throw new Error(`loader ${answer.status} pour ${scenario.label}`);
      };
      const samples = { raw: [] as number[], code: [] as number[], loader: [] as number[] };
      for (let i = 0; i < 3; i++) await Promise.all([raw(), viaCode(), viaLoader()].map((p) => p.catch(() => {})));
      for (let i = 0; i < runs; i++) {
        // Interleaved so load from other processes hits the three modes alike.
        let t = now();
        await raw();
        samples.raw.push(now() - t);
        t = now();
        await viaCode();
        samples.code.push(now() - t);
        t = now();
        await viaLoader();
        samples.loader.push(now() - t);
      }
      const [r, c, l] = [summarize(samples.raw), summarize(samples.code), summarize(samples.loader)];
      worstLoaderP95 = Math.max(worstLoaderP95, l.p95);
      worstRatio = Math.max(worstRatio, c.median / r.median);
      rows.push([
        scenario.label,
        `${fmt(r.median)} / ${fmt(r.p95)}`,
        `${fmt(c.median)} / ${fmt(c.p95)}`,
        `${fmt(l.median)} / ${fmt(l.p95)}`,
        fmt(c.median / r.median, 2),
        fmt(l.median / r.median, 2),
      ]);
      explains.push(`#### ${scenario.label}\n\n${await explainSummary(client, statements)}`);
      log(`inbox: ${scenario.label}: SQL ${fmt(r.p95)} ms, loader p95 ${fmt(l.p95)} ms`);
    }

    const neighbourRows: (string | number)[][] = [];
    let worstNeighboursP95 = 0;
    for (const scenario of NEIGHBOUR_SCENARIOS) {
      const query = parseInboxQuery(new URLSearchParams(scenario.params));
      const where = await buildInboxWhere(handle.db, big!.id, query);
      const [{ count }] = await client<{ count: number }[]>`
        select count(*)::int as count from families where collectivity_id = ${big!.id}`;
      const listed = (await listInbox(handle.db, big!.id, query)).total;
      // At smoke scale a list may hold fewer files than the scenario's rank.
      if (listed === 0) continue;
      const rank = Math.min(listed, scenario.rank === "middle" ? Math.ceil(listed / 2) : scenario.rank);
      const [target] = await handle.db
        .select({ id: schema.families.id })
        .from(schema.families)
        .where(where)
        .orderBy(...inboxOrderBy(query))
        .limit(1)
        .offset(rank - 1);
      const keyset = () => inboxNeighbours(handle.db, big!.id, query, target!.id);
      const ranking = () => neighboursByRanking(handle.db, big!.id, query, target!.id);
      const [a, b] = [await keyset(), await ranking()];
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        throw new Error(`voisins différents pour ${scenario.label} : ${JSON.stringify({ a, b, rank })}`);
      }
      const samples = { keyset: [] as number[], ranking: [] as number[] };
      for (let i = 0; i < runs; i++) {
        let t = now();
        await ranking();
        samples.ranking.push(now() - t);
        t = now();
        await keyset();
        samples.keyset.push(now() - t);
      }
      const [k, r] = [summarize(samples.keyset), summarize(samples.ranking)];
      worstNeighboursP95 = Math.max(worstNeighboursP95, k.p95);
      neighbourRows.push([
        `${scenario.label} (${rank.toLocaleString("fr-FR")} / ${listed.toLocaleString("fr-FR")} ; ${count.toLocaleString("fr-FR")} dans la commune)`,
        `${fmt(r.median)} / ${fmt(r.p95)}`,
        `${fmt(k.median)} / ${fmt(k.p95)}`,
        fmt(k.median / r.median, 2),
      ]);
      log(`inbox: voisins ${scenario.label}: ${fmt(k.p95)} ms (classement complet ${fmt(r.p95)} ms)`);
    }

    // Over HTTP: 20 agents of the commune at once on the built server (needs `npm run build`).
    let http: InboxHttpResult | null = null;
    if (existsSync(`${ROOT}build/index.js`)) {
      const cookies: string[] = [];
      for (let i = 0; i < HTTP_AGENTS; i++) {
        const member = await createAgent(handle.db, { email: `bench.agent.${i}@example.fr` });
        await addMember(handle.db, member.id, big!.id, "agent");
        cookies.push(await signIn(handle.db, member.id));
      }
      http = await measureInboxOverHttp({
        databaseUrl: scratch.url,
        cookies,
        paths: pagePaths,
        seconds: options.scale < 0.05 ? 2 : 20,
        log,
      });
    }

    const markdown = [
      `${total.toLocaleString("fr-FR")} dossiers famille (et autant de dossiers HubEE reçus) sur ${communes} communes, ` +
        `mesures dans la plus grande (${largest.toLocaleString("fr-FR")} dossiers) ; ${runs} mesures par requête et par mode, ` +
        `après 3 tours de chauffe. Génération en SQL (\`generate_series\`, graine fixe) : ${fmt(generationS)} s.`,
      "",
      "Temps en millisecondes, médiane / p95. « SQL seul » rejoue les requêtes exactes envoyées par `listInbox` " +
        "(capturées par le journal de drizzle) ; « listInbox » est le vrai code de requête ; « loader » est le loader " +
        "de la route `/portail/communes/$siret/dossiers` (session, appartenance, tranches, dernière campagne, alertes).",
      "",
      table(["Requête", "SQL seul", "listInbox", "loader", "listInbox ÷ SQL", "loader ÷ SQL"], rows),
      "",
      `Pire p95 du loader : **${fmt(worstLoaderP95)} ms** (objectif < 50 ms) ; pire rapport listInbox ÷ SQL (médianes) : ` +
        `**${fmt(worstRatio, 2)}** (objectif < 1,5).`,
      "",
      `### La liste sur HTTP, ${HTTP_AGENTS} agents en même temps`,
      "",
      http?.markdown ?? "Non mesuré : le serveur n’est pas construit (`npm run build`).",
      "",
      "### Dossier : précédent et suivant",
      "",
      "Les liens « précédent » / « suivant » du dossier famille dans la liste d’où l’agent vient. " +
        "« Classement complet » est la requête d’avant (`lag`, `lead` sur toute la liste filtrée) ; " +
        "« inboxNeighbours » est le code actuel (conditions de clé sur les valeurs de tri du dossier). " +
        "Les deux donnent le même résultat, vérifié à chaque mesure. Millisecondes, médiane / p95.",
      "",
      table(["Dossier", "Classement complet", "inboxNeighbours", "inboxNeighbours ÷ classement"], neighbourRows),
      "",
      "<details><summary>Plans d’exécution (EXPLAIN ANALYZE, résumé : nœuds et index utilisés)</summary>",
      "",
      ...explains,
      "</details>",
    ].join("\n");
    return {
      name: "inbox",
      title: "Liste des dossiers à l’échelle nationale",
      markdown,
      goals: [
        { label: `inbox : p95 du loader < 50 ms (${fmt(worstLoaderP95)} ms)`, ok: worstLoaderP95 < 50 },
        { label: `inbox : listInbox ÷ SQL < 1,5 (${fmt(worstRatio, 2)})`, ok: worstRatio < 1.5 },
        {
          label: `inbox : p95 de précédent/suivant d’un dossier < 50 ms (${fmt(worstNeighboursP95)} ms)`,
          ok: worstNeighboursP95 < 50,
        },
        ...(http
          ? [
              {
                label: `inbox : sur HTTP, ${HTTP_AGENTS} agents en même temps, p95 < ${P95_GOAL_MS} ms (${fmt(http.p95)} ms)`,
                ok: http.p95 < P95_GOAL_MS,
              },
              { label: `inbox : sur HTTP, aucune page en erreur (${http.errors})`, ok: http.errors === 0 },
            ]
          : []),
      ],
      durationMs: now() - started,
    };
  } finally {
    await client.end({ timeout: 2 });
    await handle.close();
    await scratch.drop();
  }
}

/** The former neighbours query, kept as the baseline: ranks the whole filtered list with window functions. */
async function neighboursByRanking(db: Database, collectivityId: string, query: InboxQuery, familyId: string) {
  const where = await buildInboxWhere(db, collectivityId, query);
  const order = sql.join(inboxOrderBy(query), sql`, `);
  const [row] = await queryRows<{ previous: string | null; next: string | null }>(
    db,
    sql`select previous, next from (
      select ${schema.families.id} as id,
        lag(${schema.families.id}) over (order by ${order}) as previous,
        lead(${schema.families.id}) over (order by ${order}) as next
      from ${schema.families} where ${where}
    ) ranked where id = ${familyId}`,
  );
  return row ? { previous: row.previous, next: row.next } : { previous: null, next: null };
}

/**
 * Generates the data set in SQL. Indexes other than constraints are dropped during the load and
 * rebuilt afterwards (as a bulk import would), then the tables are vacuumed and analysed so the
 * planner and index-only scans see what production would after autovacuum.
 */
export async function generate(sql: postgres.Sql, size: { communes: number; largest: number; total: number }) {
  await sql`select setseed(0.42)`;
  const indexes = await sql<{ name: string; def: string }[]>`
    select i.indexname as name, i.indexdef as def from pg_indexes i
    where i.schemaname = 'public' and i.tablename in ('families', 'received_cases')
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`;
  for (const index of indexes) await sql.unsafe(`drop index "${index.name}"`);

  await sql`
    insert into collectivities (name, siret, code_cog, departement)
    select 'Commune ' || c, '21' || lpad(c::text, 12, '0'), '49' || lpad((c % 1000)::text, 3, '0'), '49'
    from generate_series(1, ${size.communes}::int) c`;
  // h(i, salt): a reproducible pseudo-random integer per row (md5 of a fixed string).
  await sql.unsafe(
    `create temp table commune_map as
       select row_number() over (order by siret) as n, id from collectivities;
     create temp table gen as
       select i,
         ('x' || substr(md5('a' || i), 1, 8))::bit(32)::int & 2147483647 as h1,
         ('x' || substr(md5('b' || i), 1, 8))::bit(32)::int & 2147483647 as h2,
         ('x' || substr(md5('c' || i), 1, 8))::bit(32)::int & 2147483647 as h3,
         case when i <= $1 then 1 else 2 + (i - $1 - 1) % ($3 - 1) end as commune
       from generate_series(1, $2::int) i;`
      .replaceAll("$1", String(size.largest))
      .replaceAll("$2", String(size.total))
      .replaceAll("$3", String(size.communes)),
  );
  const surnames = `array[${SURNAMES.map((s) => `'${s}'`).join(",")}]`;
  const given = `array[${GIVEN.map((s) => `'${s}'`).join(",")}]`;
  await sql.unsafe(`
    insert into families (collectivity_id, identity_key, family_name, given_names, gender, birthdate,
      birthplace, birthcountry, qf_value, qf_annee, qf_mois, qf_provider, search_text, children_count, status,
      received_at, external_id)
    select m.id, md5('identity' || g.i), upper(n.family), initcap(n.given), case when g.h2 % 2 = 0 then 'female' else 'male' end,
      (date '1960-01-01' + (g.h3 % 12000))::text, '49007', '99100',
      case when g.h1 % 50 = 0 then null else g.h2 % 3000 end, 2026, 1 + g.h3 % 12,
      case when g.h1 % 50 = 0 then null when g.h3 % 10 = 0 then 'MSA' else 'CNAF' end,
      n.family || ' ' || n.given, g.h2 % 6,
      case when g.h1 % 100 < 10 then 'received' when g.h1 % 100 < 15 then 'in_progress'
           when g.h1 % 100 < 95 then 'done' when g.h1 % 100 < 98 then 'refused' else 'error' end,
      now() - make_interval(secs => g.h3 % (730 * 86400)),
      case when g.h2 % 3 = 0 then 'DOSSIER-' || g.i end
    from gen g
    join commune_map m on m.n = g.commune
    cross join lateral (select
      -- Half the names from the commonest French surnames, half rare (pronounceable random letters).
      case when g.h1 % 2 = 0 then (${surnames})[1 + g.h2 % ${SURNAMES.length}]
           else translate(substr(md5('n' || g.i), 1, 7), '0123456789', 'aeioulmnrs') end as family,
      (${given})[1 + g.h3 % ${GIVEN.length}] as given) n`);
  await sql.unsafe(`
    insert into received_cases (collectivity_id, family_id, hubee_case_id, hubee_external_id, reference,
      hubee_status, status_reported_at, transmitted_at, received_at)
    select f.collectivity_id, f.id, 'case-' || f.identity_key, 'Formulaire-QF-' || upper(substr(f.identity_key, 1, 13)),
      upper(substr(f.identity_key, 1, 13)), 'SI_RECEIVED', f.received_at, f.received_at, f.received_at
    from families f`);
  // The largest commune's yearly update is done: the inbox shows its QF changes above the list
  // (lastCampaignChanges, on every view), four families in five with a new QF.
  await sql.unsafe(`
    with campaign as (
      insert into qf_campaigns (collectivity_id, annee, mois, scope, status, trigger, total_count, started_at, finished_at)
      select id, 2026, 1, 'all', 'done', 'cron', ${size.largest}, now() - interval '2 hours', now() - interval '1 hour'
      from commune_map where n = 1
      returning id, collectivity_id)
    insert into qf_campaign_items (campaign_id, family_id, status, attempts, old_value, new_value, finished_at)
    select c.id, f.id, case when h.h % 5 = 0 then 'unchanged' else 'updated' end, 1,
      f.qf_value, case when h.h % 5 = 0 then f.qf_value else h.h % 3000 end, now() - interval '1 hour'
    from campaign c
    join families f on f.collectivity_id = c.collectivity_id
    cross join lateral (select ('x' || substr(f.identity_key, 1, 8))::bit(32)::int & 2147483647 as h) h`);
  // Its final counts, as the worker writes them when a campaign ends (the notice reads its total there).
  await sql.unsafe(`
    update qf_campaigns c set counts = (
      select jsonb_object_agg(s.status, s.n)
      from (select status, count(*)::int as n from qf_campaign_items where campaign_id = c.id group by status) s)
    where c.status = 'done'`);
  for (const index of indexes) await sql.unsafe(index.def);
  await sql`vacuum analyze families`;
  await sql`vacuum analyze qf_campaign_items`;
  await sql`vacuum analyze received_cases`;
  await sql`vacuum analyze collectivities`;
  // The tab counters took one update per generated file: vacuumed, as autovacuum keeps them in service.
  await sql`vacuum analyze family_status_counts`;
}

/** The plan nodes (with the index they use) and timings of each statement, without the noise. */
async function explainSummary(sql: postgres.Sql, statements: { sql: string; params: unknown[] }[]) {
  const parts: string[] = [];
  for (const statement of statements) {
    const rows = await sql.unsafe<{ "QUERY PLAN": string }[]>(
      `explain (analyze, costs off, timing off, summary on) ${statement.sql}`,
      statement.params as never[],
    );
    const lines = rows
      .map((row) => row["QUERY PLAN"])
      .filter((line) => /(Scan|Sort|Limit|Aggregate|Join|Loop|Bitmap|Execution Time|Heap Fetches)/.test(line))
      .map((line) => line.replace(/\s+\(actual rows=.*$/, (m) => m.replace(/loops=\d+/, "").trim()));
    const firstLine = statement.sql.replace(/\s+/g, " ").slice(0, 90);
    parts.push(`\`${firstLine}…\`\n\n\`\`\`\n${lines.join("\n")}\n\`\`\``);
  }
  return parts.join("\n\n");
}
