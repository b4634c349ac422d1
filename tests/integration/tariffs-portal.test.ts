import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { tariffBrackets, tariffServices, tariffVersions } from "../../db/schema/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import * as listRoute from "../../app/routes/portail.communes.$siret.tarifs._index/route.tsx";
import * as familyRoute from "../../app/routes/portail.communes.$siret.dossiers.$familyId/route.tsx";
import * as publicRoute from "../../app/routes/collectivites.$siret._index.tsx";
import { citizenTariffs } from "../../app/citizen/commune-tariffs.server.ts";
import * as serviceRoute from "../../app/routes/portail.communes.$siret.tarifs.$serviceId/route.tsx";
import { addMember, callRoute, createAgent, createCommune, signIn, withCookies } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";
import { insertFamily } from "../helpers/export-fixtures.ts";

const plain = (html: string) => html.replace(/[\u00a0\u202f]/g, " ");

/** The administrators' tariff pages over their loaders and actions: PRG, French errors, roles. */
describe("tariff pages", () => {
  let handle: DatabaseHandle;
  let admin: string;
  let agent: string;
  let siret: string;
  let collectivityId: string;
  const list = () => `/portail/communes/${siret}/tarifs`;

  beforeAll(async () => {
    handle = await createTestDatabase();
    useDatabaseHandle(handle);
    const commune = await createCommune(handle.db, "Angers", 7);
    siret = commune.siret;
    collectivityId = commune.id;
    const a = await createAgent(handle.db, { email: "admin@angers.test" });
    await addMember(handle.db, a.id, commune.id, "admin");
    const b = await createAgent(handle.db, { email: "agent@angers.test" });
    await addMember(handle.db, b.id, commune.id, "agent");
    admin = await signIn(handle.db, a.id);
    agent = await signIn(handle.db, b.id);
  });
  afterAll(async () => handle?.close());

  it("creates a service, drafts a grid, refuses invalid values with French messages, publishes, and shows it", async () => {
    const params = { siret };
    const refused = await callRoute(listRoute, "action", {
      path: list(),
      params,
      cookie: admin,
      form: { name: "", unit: "repas" },
    });
    expect(refused).toMatchObject({ status: 400, data: { errors: { name: expect.stringMatching(/Donnez un nom/) } } });
    expect(
      await callRoute(listRoute, "action", {
        path: list(),
        params,
        cookie: agent,
        form: { name: "Cantine", unit: "repas" },
      }),
    ).toMatchObject({ status: 403 });

    const created = await callRoute(listRoute, "action", {
      path: list(),
      params,
      cookie: admin,
      form: { name: "Restauration scolaire", unit: "repas", perChild: "on", expectedUnitsPerYear: "140" },
    });
    expect(created.status).toBe(302);
    const [service] = await handle.db
      .select()
      .from(tariffServices)
      .where(eq(tariffServices.collectivityId, collectivityId));
    expect(created.location).toBe(`${list()}/${service!.id}`);
    const path = created.location!;
    const serviceParams = { siret, serviceId: service!.id };

    // A grid without the commune's brackets cannot be saved.
    const noBrackets = await callRoute(serviceRoute, "action", {
      path,
      params: serviceParams,
      cookie: admin,
      form: { intent: "save-draft", validFrom: "2027-09-01", kind: "grid", noQfPrice: "5,20" },
    });
    expect(noBrackets).toMatchObject({
      status: 400,
      data: { errors: { kind: expect.stringMatching(/pas encore de tranches/) } },
    });

    await handle.db.insert(tariffBrackets).values([
      { collectivityId, position: 1, label: "Tranche A", minValue: 0, maxValue: 600 },
      { collectivityId, position: 2, label: "Tranche B", minValue: 601, maxValue: null },
    ]);
    const missing = await callRoute(serviceRoute, "action", {
      path,
      params: serviceParams,
      cookie: admin,
      form: { intent: "save-draft", validFrom: "2027-09-01", kind: "grid", noQfPrice: "5,20", "price-0": "1,10" },
    });
    expect(missing).toMatchObject({
      status: 400,
      data: { errors: { "price-1": "Indiquez le prix de la Tranche B en euros (par exemple 4,52)." } },
    });
    // The page shows the summary and keeps what was typed.
    const loaded = await callRoute(serviceRoute, "loader", { path, params: serviceParams, cookie: admin });
    const errorHtml = plain(
      await renderRoute(serviceRoute.default, loaded.data as object, path, missing.data as object),
    );
    expect(errorHtml).toContain("Un champ est à corriger");
    expect(errorHtml).toContain('href="#price-1"');
    expect(errorHtml).toMatch(/id="price-0"[^>]*value="1,10"|value="1,10"[^>]*id="price-0"/);
    expect(await handle.db.select().from(tariffVersions)).toEqual([]);

    const drafted = await callRoute(serviceRoute, "action", {
      path,
      params: serviceParams,
      cookie: admin,
      form: {
        intent: "save-draft",
        validFrom: "2020-09-01",
        kind: "grid",
        noQfPrice: "5,20",
        "price-0": "1,10",
        "price-1": "4,80",
        reductionPercent: "10",
        reductionFromChild: "2",
      },
    });
    expect(drafted.status).toBe(302);
    const [version] = await handle.db.select().from(tariffVersions);
    expect(drafted.location).toBe(`${path}?version=${version!.id}`);
    const next = await callRoute(serviceRoute, "loader", {
      path: drafted.location!,
      params: serviceParams,
      cookie: withCookies(admin, drafted),
    });
    expect(next.data).toMatchObject({
      flash: { message: "Projet de tarif enregistré." },
      page: { draft: { versionId: version!.id, values: { "price-1": "4,80" } } },
    });

    expect(
      await callRoute(serviceRoute, "action", {
        path,
        params: serviceParams,
        cookie: agent,
        form: { intent: "publish", versionId: version!.id, validFrom: "2020-09-01" },
      }),
    ).toMatchObject({ status: 403 });
    const badDate = await callRoute(serviceRoute, "action", {
      path,
      params: serviceParams,
      cookie: admin,
      form: { intent: "publish", versionId: version!.id, validFrom: "01/09/2020" },
    });
    expect(badDate).toMatchObject({
      status: 400,
      data: { errors: { validFrom: expect.stringMatching(/date valide/) } },
    });
    const published = await callRoute(serviceRoute, "action", {
      path,
      params: serviceParams,
      cookie: admin,
      form: { intent: "publish", versionId: version!.id, validFrom: "2020-09-01" },
    });
    expect(published).toMatchObject({ status: 302, location: path });

    // Every agent reads the tariffs; only administrators get the forms.
    const agentView = await callRoute(serviceRoute, "loader", { path, params: serviceParams, cookie: agent });
    const agentHtml = plain(await renderRoute(serviceRoute.default, agentView.data as object, path));
    expect(agentHtml).toContain("Tarif à partir du 01/09/2020");
    expect(agentHtml).toContain("En vigueur");
    expect(agentHtml).toContain(
      "Tranche A : 1,10 € ; Tranche B : 4,80 € ; sans QF connu : 5,20 € ; −10 % à partir du 2e enfant",
    );
    expect(agentHtml).not.toContain("Enregistrer le projet");
    const listView = await callRoute(listRoute, "loader", { path: list(), params, cookie: agent });
    const listHtml = plain(await renderRoute(listRoute.default, listView.data as object, list()));
    expect(listHtml).toContain("En vigueur depuis le 01/09/2020 : Tranche A : 1,10 €");
    expect(listHtml).not.toContain("Créer le service");
  });

  it("shows a family's prices in force on its file, with the price under its previous QF", async () => {
    const child = {
      nom_naissance: "MARTIN",
      nom_usage: null,
      prenoms: "LÉO",
      date_naissance: "2016-05-02",
      sexe: "M" as const,
    };
    const familyId = await insertFamily(handle.db, collectivityId, {
      qfValue: 700,
      previousQf: 450,
      members: { allocataires: [], enfants: [child, { ...child, prenoms: "LOU" }] },
    });
    const path = `/portail/communes/${siret}/dossiers/${familyId}`;
    const answer = await callRoute(familyRoute, "loader", { path, params: { siret, familyId }, cookie: agent });
    expect(answer.status).toBe(200);
    const html = plain(await renderRoute(familyRoute.default, answer.data as object, path));
    const section = /data-testid="tarifs"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    expect(section).toContain("<strong>Restauration scolaire</strong> : 4,80 € par repas");
    expect(section).toContain("Tranche B (QF 601 € et plus) : 4,80 €");
    expect(section).toContain("2e enfant : 4,32 € par repas");
    expect(section).toContain("Avec le QF précédent : 1,10 € (Tranche A (QF 0 € à 600 €) : 1,10 €)");
  });

  it("shows published tariffs on the commune's public page and prices a citizen's QF, never with a draft", async () => {
    const [service] = await handle.db
      .select()
      .from(tariffServices)
      .where(eq(tariffServices.collectivityId, collectivityId));
    await handle.db.insert(tariffVersions).values({
      serviceId: service!.id,
      collectivityId,
      status: "draft",
      validFrom: "2021-01-01",
      rule: {
        kind: "effort",
        rate: 100,
        floorCents: 1,
        ceilingCents: 2,
        noQfPriceCents: 2,
        roundingCents: 1,
        siblingReduction: null,
      },
    });
    const path = `/collectivites/${siret}`;
    const answer = await callRoute(publicRoute, "loader", { path, params: { siret } });
    const html = plain(await renderRoute(publicRoute.default, answer.data as object, path));
    const section = /data-testid="tarifs-commune"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    expect(section).toContain("Les tarifs de Angers");
    expect(section).toContain(
      "<strong>Restauration scolaire</strong> (par repas) : Tranche A : 1,10 € ; Tranche B : 4,80 €",
    );
    expect(section).not.toContain("0,01 %");
    const tariffs = await citizenTariffs(handle.db, collectivityId, { qf: 500, day: "2026-12-05" });
    expect(plain(JSON.stringify(tariffs))).toBe(
      JSON.stringify([
        {
          service: "Restauration scolaire",
          per: "par repas",
          price: "1,10 €",
          explanation: "Tranche A (QF 0 € à 600 €) : 1,10 €",
        },
      ]),
    );
  });
});
