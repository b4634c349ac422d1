import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import {
  auditEvents,
  collectivities,
  families,
  qfCampaignItems,
  qfHistory,
  rateLimitWindows,
} from "../../db/schema/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { createApiParticulierClient } from "../../app/integrations/api-particulier/client.server.ts";
import { createCampaign } from "../../app/portal/campaigns/campaigns.server.ts";
import { createTokenPacer } from "../../app/integrations/api-particulier/token-pacer.server.ts";
import { runCampaignWorker } from "../../app/portal/campaigns/worker.server.ts";
import { saveApiParticulierToken } from "../../app/portal/settings/collectivity-settings.server.ts";
import { getServices } from "../../app/services.server.ts";
import { DEMO_TOKEN_EXPIRED, DEMO_TOKEN_WITHOUT_QF_SCOPE } from "../../simulators/api-particulier/demo-tokens.ts";
import { DEMO_COMMUNES } from "../../simulators/demo-data.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import * as lookupRoute from "../../app/routes/portail.communes.$siret.recherche-qf/route.tsx";
import * as communesRoute from "../../app/routes/portail.communes.$siret.communes-de-naissance.ts";
import { addMember, callRoute, createAgent, createCommune, signIn, withCookies } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";

const ANGERS = DEMO_COMMUNES.find((c) => c.name === "Angers")!;

/** The staging fixture "200-usager-base-france_connect": QF 4 270 €, CNAF. */
const DUBOIS = {
  nomNaissance: "DUBOIS",
  prenom1: "ANGELA",
  prenom2: "CLAIRE",
  prenom3: "LOUISE",
  sexe: "F",
  jourNaissance: "24",
  moisNaissance: "8",
  anneeNaissance: "1962",
  paysNaissance: "France",
  communeNaissance: "Paris 7e Arrondissement",
};

type Answer = {
  values: Record<string, string>;
  errors: Record<string, string>;
  communeChoices: { code: string; label: string }[];
  communeSuggestions: { code: string; label: string }[];
  offerFormerCommune: boolean;
  message: { level: string; title: string; description: string; advice?: string[]; settingsLink?: boolean } | null;
  found: { value: string; period: string; provider: string; allocataires: unknown[]; enfants: unknown[] } | null;
  sealed: string | null;
};

type LookupPage = { flash: { level: string; message: string } | null; savedFamilyId: string | null };

/** The agent's lookup page over the API Particulier simulator, reached over real HTTP. */
describe("QF lookup by pivot identity", () => {
  let handle: DatabaseHandle;
  let simulators: RunningSimulators;
  let collectivityId: string;
  let agentId: string;
  let cookie: string;
  let otherCookie: string;
  const path = `/portail/communes/${ANGERS.siret}/recherche-qf`;
  const params = { siret: ANGERS.siret };

  const search = async (form: Record<string, string>, who = cookie) => {
    const answer = await callRoute(lookupRoute, "action", {
      path,
      params,
      cookie: who,
      form: { intent: "rechercher", ...form },
    });
    return { status: answer.status, data: answer.data as Answer };
  };
  /** Saves, then follows the redirect (Post/Redirect/Get) to the page that says where the QF went. */
  const save = async (sealed: string, who = cookie) => {
    const answer = await callRoute(lookupRoute, "action", {
      path,
      params,
      cookie: who,
      form: { intent: "enregistrer", resultat: sealed },
    });
    if (answer.status !== 302) return { status: answer.status, data: answer.data as Answer, saved: null };
    expect(answer.location).toMatch(new RegExp(`^${path}\\?dossier=[0-9a-f-]{36}$`));
    const page = await callRoute(lookupRoute, "loader", {
      path: answer.location!,
      params,
      cookie: withCookies(who, answer),
    });
    const { flash, savedFamilyId } = page.data as LookupPage;
    expect(flash?.level).toBe("success");
    expect(savedFamilyId).toBe(answer.location!.split("=")[1]);
    // Shown once (the page clears it), with a link to the file the QF went to.
    expect(page.cookies).toEqual([]);
    const html = await renderRoute(lookupRoute.default, page.data as object, answer.location!);
    expect(html).toContain(
      `href="${path.replace("recherche-qf", "dossiers")}/${savedFamilyId}">Ouvrir le dossier famille</a>`,
    );
    return {
      status: answer.status,
      data: null,
      saved: { familyId: savedFamilyId!, isNew: /^Dossier famille créé/.test(flash!.message), flash: flash! },
    };
  };
  /** The query strings API Particulier received, oldest first. */
  const sentQueries = async () => {
    const response = await fetch(`${simulators.url}/__admin/apiParticulier/requests?limit=1000`);
    const body = (await response.json()) as { requests: { query: string; route: string }[] };
    return body.requests.map((r) => new URLSearchParams(r.query.replace(/^\?/, "")));
  };
  const lastQuery = async () => {
    const all = await sentQueries();
    return all.at(-1) ?? all[0]!;
  };
  const setToken = (token: string, id = collectivityId) =>
    saveApiParticulierToken(handle.db, {
      collectivityId: id,
      actor: agentId,
      requestId: null,
      key: getServices().encryptionKey,
      token,
    });
  const lookupAudits = async () =>
    handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.collectivityId, collectivityId), eq(auditEvents.action, "qf_lookup.performed")))
      .orderBy(auditEvents.id);

  beforeAll(async () => {
    simulators = await startSimulators({ port: 0 });
    process.env.API_PARTICULIER_URL = simulators.apiParticulierUrl;
    process.env.HUBEE_TOKEN_URL = simulators.hubeeTokenUrl;
    handle = await createTestDatabase();
    useDatabaseHandle(handle);
    const [commune] = await handle.db
      .insert(collectivities)
      .values({ name: "Angers", siret: ANGERS.siret, codeCog: ANGERS.codeCog, departement: ANGERS.departement })
      .returning();
    collectivityId = commune!.id;
    const agent = await createAgent(handle.db, { email: "agent@angers.fr" });
    agentId = agent.id;
    await addMember(handle.db, agent.id, collectivityId, "agent");
    cookie = await signIn(handle.db, agent.id);
    const other = await createAgent(handle.db, { email: "collegue@angers.fr" });
    await addMember(handle.db, other.id, collectivityId, "admin");
    otherCookie = await signIn(handle.db, other.id);
    await setToken(ANGERS.apiParticulierToken);
  });
  beforeEach(async () => {
    // The agents' lookup counters live in the database: each test starts with none.
    await handle.db.delete(rateLimitWindows);
    await fetch(`${simulators.url}/__admin/apiParticulier/faults`, { method: "DELETE" });
  });
  afterAll(async () => {
    await handle?.close();
    await simulators?.close();
  });

  it("explains every invalid field in French, next to the field, without calling the API", async () => {
    const before = (await sentQueries()).length;
    const empty = await search({ paysNaissance: "France" });
    expect(empty.status).toBe(400);
    expect(empty.data.errors).toEqual({
      nomNaissance: "Saisissez le nom de naissance.",
      prenom1: "Saisissez le premier prénom.",
      sexe: "Indiquez le sexe inscrit à l’état civil.",
      anneeNaissance: expect.stringMatching(/^Saisissez l’année de naissance/),
      communeNaissance: expect.stringMatching(/^Saisissez la commune de naissance/),
    });

    const wrong = await search({
      nomNaissance: "DUB0IS",
      nomUsage: "Martin_2",
      prenom1: "Angela",
      prenom2: "Cl@ire",
      prenom3: "x".repeat(101),
      sexe: "X",
      jourNaissance: "31",
      moisNaissance: "13",
      anneeNaissance: "62",
      paysNaissance: "Atlantide",
    });
    expect(wrong.status).toBe(400);
    expect(wrong.data.errors).toMatchObject({
      nomNaissance: expect.stringMatching(/que des lettres/),
      nomUsage: expect.stringMatching(/que des lettres/),
      prenom2: expect.stringMatching(/que des lettres/),
      prenom3: expect.stringMatching(/100 caractères/),
      sexe: expect.stringMatching(/sexe/),
      moisNaissance: "Le mois de naissance est un nombre entre 1 et 12.",
      anneeNaissance: expect.stringMatching(/4 chiffres/),
      paysNaissance: expect.stringMatching(/^Pays inconnu/),
    });
    // What the agent typed comes back, to be corrected rather than typed again.
    expect(wrong.data.values).toMatchObject({ nomNaissance: "DUB0IS", prenom1: "Angela", paysNaissance: "Atlantide" });
    // On the page: a summary linking to each field, and the groups holding a field in error marked too.
    const loaded = await callRoute(lookupRoute, "loader", { path, params, cookie });
    const html = await renderRoute(lookupRoute.default, loaded.data as object, path, wrong.data);
    expect(html).toMatch(/role="alert"><h2 class="fr-alert__title">\d+ champs sont à corriger<\/h2>/);
    expect(html).toContain('<a href="#prenom2">Deuxième prénom : ');
    expect(html).toContain('<a href="#sexe-F">Sexe : ');
    expect(html).toContain('<fieldset class="fr-fieldset fr-fieldset--error" aria-labelledby="prenoms-legende">');
    expect(html).toContain('<fieldset class="fr-fieldset fr-fieldset--error" aria-labelledby="naissance-legende">');

    const dates = await Promise.all([
      search({ ...DUBOIS, jourNaissance: "30", moisNaissance: "2" }),
      search({ ...DUBOIS, jourNaissance: "12", moisNaissance: "" }),
      search({ ...DUBOIS, jourNaissance: "", moisNaissance: "", anneeNaissance: "1899" }),
      search({ ...DUBOIS, anneeNaissance: String(new Date().getFullYear() + 1) }),
    ]);
    expect(dates.map((d) => d.data.errors)).toEqual([
      { jourNaissance: "Cette date n’existe pas : vérifiez le jour et le mois." },
      { moisNaissance: expect.stringMatching(/un jour sans mois/) },
      { anneeNaissance: expect.stringMatching(/entre 1900 et/) },
      { anneeNaissance: expect.stringMatching(/entre 1900 et/) },
    ]);

    const former = await search({ ...DUBOIS, ancienneCommune: "1", communeNaissance: "", departementNaissance: "4" });
    expect(former.data.errors).toEqual({
      communeNaissance: expect.stringMatching(/^Saisissez le nom de la commune/),
      departementNaissance: expect.stringMatching(/2 ou 3 caractères/),
    });
    // Names and birth date are right here: their groups are not in error.
    const valid = await renderRoute(lookupRoute.default, loaded.data as object, path, former.data);
    expect(valid).toContain('<fieldset class="fr-fieldset" aria-labelledby="prenoms-legende">');
    expect(valid).toContain('<fieldset class="fr-fieldset" aria-labelledby="naissance-legende">');
    expect((await sentQueries()).length).toBe(before);
    expect(await lookupAudits()).toEqual([]);
  });

  it("finds a QF, shows it, and saves it as a family file that a second lookup merges into", async () => {
    const first = await search(DUBOIS);
    expect(first.status).toBe(200);
    expect(first.data.found).toEqual({
      value: "4\u202f270 €",
      period: "juin 2023",
      provider: expect.stringMatching(/^CAF/),
      allocataires: [{ name: "DUBOIS ANGELA CLAIRE LOUISE", birthdate: "24/08/1962" }],
      enfants: [],
    });
    const query = await lastQuery();
    expect(query.get("recipient")).toBe(ANGERS.siret);
    expect(query.get("codeCogInseeCommuneNaissance")).toBe("75107");
    expect(query.get("codeCogInseePaysNaissance")).toBe("99100");
    expect(query.getAll("prenoms[]")).toEqual(["ANGELA", "CLAIRE", "LOUISE"]);

    const saved = await save(first.data.sealed!);
    expect(saved.saved).toMatchObject({ familyId: expect.any(String), isNew: true });
    expect(saved.saved!.flash.message).toMatch(/^Dossier famille créé : le quotient familial est enregistré/);
    const familyId = saved.saved!.familyId;

    // The same person again (the commune as the autocomplete writes it): the same file.
    const second = await search({ ...DUBOIS, communeNaissance: "Paris 7e Arrondissement (75)" });
    const merged = await save(second.data.sealed!);
    expect(merged.saved).toMatchObject({ familyId, isNew: false });
    expect(merged.saved!.flash.message).toMatch(/^QF ajouté au dossier famille existant : /);

    const [family] = await handle.db.select().from(families).where(eq(families.id, familyId));
    expect(family).toMatchObject({
      collectivityId,
      familyName: "DUBOIS",
      givenNames: "ANGELA CLAIRE LOUISE",
      birthdate: "1962-08-24",
      birthplace: "75107",
      birthcountry: "99100",
      qfValue: 4270,
      qfAnnee: 2023,
      qfMois: 6,
      qfProvider: "CNAF",
    });
    const history = await handle.db.select().from(qfHistory).where(eq(qfHistory.familyId, familyId));
    expect(history.map((h) => [h.source, h.value])).toEqual([
      ["manual_lookup", 4270],
      ["manual_lookup", 4270],
    ]);
    expect(await handle.db.select().from(families).where(eq(families.collectivityId, collectivityId))).toHaveLength(1);

    // The trail: each lookup, each save (family id only), and never the identity.
    const trail = await handle.db.select().from(auditEvents).where(eq(auditEvents.collectivityId, collectivityId));
    const lookups = trail.filter((e) => e.action === "qf_lookup.performed");
    expect(lookups.length).toBeGreaterThanOrEqual(2);
    expect(lookups.at(-1)).toMatchObject({
      actorAgentId: agentId,
      details: { outcome: "ok", birthplace: "commune_code", found: true },
    });
    const saves = trail.filter((e) => e.action === "qf_lookup.saved");
    expect(saves.map((e) => [e.targetType, e.targetId, e.details])).toEqual([
      ["family", familyId, { isNew: true }],
      ["family", familyId, { isNew: false }],
    ]);
    // What an entry says (ids, digests and request ids are random hex that may contain "4270" by chance).
    const json = JSON.stringify(
      trail
        .filter((e) => e.action.startsWith("qf_lookup"))
        .map((e) => ({ action: e.action, targetType: e.targetType, details: e.details })),
    );
    for (const personal of ["DUBOIS", "ANGELA", "1962", "75107", "4270"]) expect(json).not.toContain(personal);
  });

  it("saves one lookup's answer once, however many times its form is posted (a double click)", async () => {
    const identity = { ...DUBOIS, nomNaissance: "SYNTHDOUBLE" };
    const found = await search(identity);
    // Two posts at once, then a third: one file, one history row, one journal entry.
    const [first, second] = await Promise.all([save(found.data.sealed!), save(found.data.sealed!)]);
    const third = await save(found.data.sealed!);
    const familyId = first.saved!.familyId;
    expect(second.saved!.familyId).toBe(familyId);
    expect(third.saved).toMatchObject({ familyId, isNew: false });
    expect(third.saved!.flash.message).toBe("Ce résultat était déjà enregistré : le dossier famille n’a pas changé.");
    const history = await handle.db.select().from(qfHistory).where(eq(qfHistory.familyId, familyId));
    expect(history).toHaveLength(1);
    const saves = (
      await handle.db.select().from(auditEvents).where(eq(auditEvents.collectivityId, collectivityId))
    ).filter((e) => e.action === "qf_lookup.saved" && e.targetId === familyId);
    expect(saves).toHaveLength(1);

    // A new lookup of the same person is a new answer: it is added to the history.
    const again = await save((await search(identity)).data.sealed!);
    expect(again.saved).toMatchObject({ familyId, isNew: false });
    expect(await handle.db.select().from(qfHistory).where(eq(qfHistory.familyId, familyId))).toHaveLength(2);
  });

  it("merges a person typed in another case and with other accents into the same file", async () => {
    const identity = { ...DUBOIS, nomNaissance: "SYNTHFUSION", prenom1: "Hélène", prenom2: "", prenom3: "" };
    const first = await save((await search(identity)).data.sealed!);
    const again = await search({
      ...identity,
      nomNaissance: "synthfusion",
      prenom1: "HELENE",
      communeNaissance: "paris 7E arrondissement",
    });
    const second = await save(again.data.sealed!);
    expect(second.saved).toMatchObject({ familyId: first.saved!.familyId, isNew: false });
    const history = await handle.db.select().from(qfHistory).where(eq(qfHistory.familyId, first.saved!.familyId));
    expect(history.map((h) => h.source)).toEqual(["manual_lookup", "manual_lookup"]);
  });

  it("refuses a sealed answer that belongs to another agent or was altered", async () => {
    const found = await search(DUBOIS);
    const stolen = await save(found.data.sealed!, otherCookie);
    expect(stolen.status).toBe(400);
    expect(stolen.data?.message?.title).toMatch(/ne peut plus être enregistré/);
    const altered = await save(`${found.data.sealed!.slice(0, -4)}AAAA`);
    expect(altered.status).toBe(400);
  });

  it("looks up someone born abroad with the country only, and partial birth dates as the API expects", async () => {
    const abroad = await search({
      nomNaissance: "SYNTHABROAD",
      prenom1: "Amina",
      sexe: "F",
      jourNaissance: "",
      moisNaissance: "5",
      anneeNaissance: "1990",
      paysNaissance: "maroc",
      // Typed by mistake: born abroad, the commune is never sent.
      communeNaissance: "Angers",
    });
    expect(abroad.status).toBe(200);
    expect(abroad.data.found).not.toBeNull();
    let query = await lastQuery();
    expect(query.get("codeCogInseePaysNaissance")).toBe("99350");
    expect(query.has("codeCogInseeCommuneNaissance")).toBe(false);
    expect(query.has("nomCommuneNaissance")).toBe(false);
    // YYYY-MM-00: year and month, no day.
    expect([query.get("anneeDateNaissance"), query.get("moisDateNaissance"), query.has("jourDateNaissance")]).toEqual([
      "1990",
      "5",
      false,
    ]);
    const saved = await save(abroad.data.sealed!);
    const [family] = await handle.db.select().from(families).where(eq(families.id, saved.saved!.familyId));
    expect(family).toMatchObject({ birthdate: "1990-05-00", birthplace: null, birthcountry: "99350" });

    // YYYY-00-00: the year alone.
    const yearOnly = await search({
      nomNaissance: "SYNTHYEAR",
      prenom1: "Paul",
      sexe: "M",
      anneeNaissance: "1975",
      paysNaissance: "France",
      communeNaissance: "Angers",
    });
    expect(yearOnly.status).toBe(200);
    query = await lastQuery();
    expect(query.get("anneeDateNaissance")).toBe("1975");
    expect(query.has("moisDateNaissance")).toBe(false);
    expect(query.has("jourDateNaissance")).toBe(false);
    expect(query.get("codeCogInseeCommuneNaissance")).toBe("49007");
    const savedYear = await save(yearOnly.data.sealed!);
    const [yearFamily] = await handle.db.select().from(families).where(eq(families.id, savedYear.saved!.familyId));
    expect(yearFamily?.birthdate).toBe("1975-00-00");
  });

  it("resolves commune names: several communes of that name give a choice, an unknown one the former-commune option", async () => {
    const ambiguous = await search({ ...DUBOIS, nomNaissance: "SYNTHSAINT", communeNaissance: "Saint-Denis" });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.data.errors.communeCode).toMatch(/communes portent ce nom/);
    const codes = ambiguous.data.communeChoices.map((c) => c.code);
    expect(codes).toEqual(expect.arrayContaining(["93066", "97411"]));
    expect(ambiguous.data.communeChoices.find((c) => c.code === "97411")?.label).toMatch(/^Saint-Denis \(974\)/);

    const chosen = await search({
      ...DUBOIS,
      nomNaissance: "SYNTHSAINT",
      communeNaissance: "Saint-Denis",
      communeCode: "97411",
    });
    expect(chosen.status).toBe(200);
    expect((await lastQuery()).get("codeCogInseeCommuneNaissance")).toBe("97411");

    const unknown = await search({ ...DUBOIS, communeNaissance: "Angersville-la-Disparue" });
    expect(unknown.status).toBe(400);
    expect(unknown.data.errors.communeNaissance).toMatch(/Aucune commune actuelle/);
    expect(unknown.data.offerFormerCommune).toBe(true);
  });

  it("sends a former commune as name + département (option 2), and campaigns can query it again", async () => {
    const former = await search({
      nomNaissance: "SYNTHANCIENNE",
      prenom1: "Louise",
      sexe: "F",
      jourNaissance: "2",
      moisNaissance: "3",
      anneeNaissance: "1950",
      paysNaissance: "France",
      communeNaissance: "Saint-Lambert-des-Levées",
      ancienneCommune: "1",
      departementNaissance: "49",
    });
    expect(former.status).toBe(200);
    const query = await lastQuery();
    expect(query.get("nomCommuneNaissance")).toBe("Saint-Lambert-des-Levées");
    expect(query.get("codeCogInseeDepartementNaissance")).toBe("49");
    expect(query.get("anneeDateNaissance")).toBe("1950");
    expect(query.has("codeCogInseeCommuneNaissance")).toBe(false);
    expect(await lookupAudits()).toContainEqual(
      expect.objectContaining({ details: expect.objectContaining({ birthplace: "former_commune" }) }),
    );

    const saved = await save(former.data.sealed!);
    const [family] = await handle.db.select().from(families).where(eq(families.id, saved.saved!.familyId));
    expect(family).toMatchObject({
      birthplace: null,
      birthcountry: "99100",
      birthplaceName: "Saint-Lambert-des-Levées",
      birthDepartement: "49",
    });

    // The yearly update asks again the same way: the file takes part in later campaigns.
    const campaign = (await createCampaign(handle.db, {
      collectivityId,
      familyIds: [family!.id],
      trigger: "agent",
      agentId,
    }))!;
    const run = await runCampaignWorker(
      handle.db,
      {
        client: createApiParticulierClient(simulators.apiParticulierUrl),
        pacer: createTokenPacer(handle.db, { ratePerSecond: 18, limitPerSecond: 20 }),
        encryptionKey: getServices().encryptionKey,
      },
      { workerId: "test-worker", until: Date.now() + 20_000 },
    );
    expect(run.byOutcome).toEqual({ ok: 1 });
    const again = await lastQuery();
    expect(again.get("nomCommuneNaissance")).toBe("Saint-Lambert-des-Levées");
    expect(again.get("codeCogInseeDepartementNaissance")).toBe("49");
    const [item] = await handle.db.select().from(qfCampaignItems).where(eq(qfCampaignItems.campaignId, campaign.id));
    expect(["updated", "unchanged"]).toContain(item!.status);
  });

  it("says when nobody matches, with the alternatives", async () => {
    const missing = await search({
      ...DUBOIS,
      nomNaissance: "INCONNUE",
      prenom1: "PERSONNE",
      prenom2: "",
      prenom3: "",
    });
    expect(missing.status).toBe(200);
    expect(missing.data.found).toBeNull();
    expect(missing.data.sealed).toBeNull();
    expect(missing.data.message).toMatchObject({
      level: "info",
      title: "Aucun dossier CAF ou MSA ne correspond à cette identité",
      advice: expect.arrayContaining([expect.stringMatching(/FranceConnect/)]),
    });
    expect(missing.data.offerFormerCommune).toBe(true);
    expect((await lookupAudits()).at(-1)?.details).toMatchObject({ outcome: "not_found" });
  });

  it("names the field API Particulier rejects (422)", async () => {
    // "Œ" is a letter to us, not to API Particulier (Latin-1 letters only).
    const rejected = await search({ ...DUBOIS, nomNaissance: "SYNTHLŒUVRE" });
    expect(rejected.status).toBe(422);
    expect(rejected.data.message?.title).toBe("API Particulier refuse l’identité saisie");
    expect(rejected.data.errors).toEqual({ nomNaissance: expect.stringMatching(/n’accepte pas cette valeur/) });
  });

  it("asks to retry when the CAF does not answer (502, 504)", async () => {
    await fetch(`${simulators.url}/__admin/apiParticulier/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ route: "identite", errorRatio: 1, errorStatuses: [504] }),
    });
    const timeout = await search(DUBOIS);
    expect(timeout.status).toBe(503);
    expect(timeout.data.message).toMatchObject({ level: "warning", description: expect.stringMatching(/\(504\)/) });
    await fetch(`${simulators.url}/__admin/apiParticulier/faults`, { method: "DELETE" });
    await fetch(`${simulators.url}/__admin/apiParticulier/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ route: "identite", errorRatio: 1, errorStatuses: [502] }),
    });
    const provider = await search(DUBOIS);
    expect(provider.data.message?.title).toBe("La CAF ou la MSA ne répond pas pour le moment");
    // The typed identity is still there for the retry.
    expect(provider.data.values.nomNaissance).toBe("DUBOIS");
  });

  it("waits for the token's pause (shared with the campaigns) instead of calling", async () => {
    // Another caller's 429 (a campaign's, say) pauses the token for 5 s in every process.
    const pacer = createTokenPacer(handle.db, { ratePerSecond: 18, limitPerSecond: 20 });
    await pacer.send(ANGERS.apiParticulierToken, {
      caller: "campaign",
      send: async () => ({ kind: "rate_limited", retryAfterMs: 5_000 }) as const,
      retryAfterOf: (answer) => answer.retryAfterMs,
    });
    const before = (await sentQueries()).length;
    const paused = await search(DUBOIS);
    expect(paused.status).toBe(429);
    expect(paused.data.message?.description).toMatch(/Patientez [5-6] secondes/);
    expect((await sentQueries()).length).toBe(before);
  });

  it("tells the agent when the commune's token is missing, refused or not entitled", async () => {
    await setToken(DEMO_TOKEN_EXPIRED);
    const expired = await search(DUBOIS);
    expect(expired.data.message).toMatchObject({
      title: "Le jeton API Particulier de la commune est refusé",
      settingsLink: true,
    });
    await setToken(DEMO_TOKEN_WITHOUT_QF_SCOPE);
    const forbidden = await search(DUBOIS);
    expect(forbidden.data.message?.title).toMatch(/n’est pas habilité au quotient familial/);
    await setToken(ANGERS.apiParticulierToken);

    const bare = await createCommune(handle.db, "Commune sans jeton", 4242);
    const agent = await createAgent(handle.db, { email: "agent@sans-jeton.fr" });
    await addMember(handle.db, agent.id, bare.id, "agent");
    const answer = await callRoute(lookupRoute, "action", {
      path: `/portail/communes/${bare.siret}/recherche-qf`,
      params: { siret: bare.siret },
      cookie: await signIn(handle.db, agent.id),
      form: { intent: "rechercher", ...DUBOIS },
    });
    expect((answer.data as Answer).message).toMatchObject({
      title: "La commune n’a pas encore de jeton API Particulier",
      settingsLink: true,
    });
  });

  it("limits each agent to 30 lookups in 10 minutes", async () => {
    const bare = await createCommune(handle.db, "Commune limitée", 4343);
    const agent = await createAgent(handle.db, { email: "pressee@limitee.fr" });
    await addMember(handle.db, agent.id, bare.id, "agent");
    const agentCookie = await signIn(handle.db, agent.id);
    const run = () =>
      callRoute(lookupRoute, "action", {
        path: `/portail/communes/${bare.siret}/recherche-qf`,
        params: { siret: bare.siret },
        cookie: agentCookie,
        form: { intent: "rechercher", ...DUBOIS },
      });
    // No token in this commune: the calls stop before API Particulier, yet they count.
    for (let i = 0; i < 30; i++) expect(((await run()).data as Answer).message?.title).toMatch(/pas encore de jeton/);
    const refused = await run();
    expect(refused.status).toBe(429);
    expect((refused.data as Answer).message?.description).toMatch(/30 recherches en 10 minutes/);
    // Another agent is not held back by this one.
    // (The token may still be paused by the previous test: only the agent's own limit matters here.)
    expect((await search(DUBOIS)).data.message?.title).not.toBe("Trop de recherches en peu de temps");
  });

  it("suggests birth communes by name for the autocomplete (20 at most)", async () => {
    const suggest = async (q: string) => {
      const answer = await callRoute(communesRoute, "loader", {
        path: `/portail/communes/${ANGERS.siret}/communes-de-naissance?q=${encodeURIComponent(q)}`,
        params,
        cookie,
      });
      expect(answer.status).toBe(200);
      return (answer.data as { communes: { code: string; label: string }[] }).communes;
    };
    expect(await suggest("saint")).toHaveLength(20);
    expect((await suggest("angers"))[0]).toEqual({ code: "49007", label: "Angers (49)" });
    expect(await suggest("Saint-Den")).toContainEqual({ code: "97411", label: "Saint-Denis (974)" });
    expect(await suggest("a")).toEqual([]);
  });
});
