import { describe, expect, it } from "vitest";
import { renderNested, trailOf, type NestedRoute } from "../../tests/helpers/render-trail";
import * as communePage from "./collectivites.$siret._index";
import * as communeList from "./collectivites._index";
import * as xmlPage from "./integration.formulaire-qf-xml";
import * as communeSpace from "./portail.communes.$siret";
import * as retention from "./portail.communes.$siret.donnees";
import * as exportStatus from "./portail.communes.$siret.exports.$exportId";
import * as exportList from "./portail.communes.$siret.exports._index";
import * as journal from "./portail.communes.$siret.journal";

/**
 * The trails the pages showed when each built its own breadcrumb, now that they come from the
 * routes' `handle`s: same labels, same links. Rendered as Remix nests the routes, so the commune's
 * space adds « Espace agents › <commune> » above every page of the space.
 */

const SIRET = "21490007900010";
const SPACE = `/portail/communes/${SIRET}`;
const commune = { name: "Angers", siret: SIRET };

const inSpace = (page: NestedRoute): NestedRoute[] => [
  { path: "/portail/communes/:siret", handle: communeSpace.handle, data: { commune } },
  page,
];

const spaceTrail = [
  { label: "Espace agents", to: "/portail" },
  { label: "Angers", to: SPACE },
];

describe("the agents' space", () => {
  it("journal: « Espace agents › Angers › Journal »", async () => {
    const data = {
      commune,
      query: { action: null, familyId: null, from: null, to: null, before: null, after: null },
      page: { entries: [], newerThan: null, olderThan: null },
    };
    const html = await renderNested(
      inSpace({ path: "journal", handle: journal.handle, data, Component: journal.default }),
      `${SPACE}/journal`,
    );
    expect(trailOf(html)).toEqual([...spaceTrail, { label: "Journal" }]);
  });

  it("exports: « Espace agents › Angers › Exports »", async () => {
    const html = await renderNested(
      inSpace({
        path: "exports",
        handle: exportList.handle,
        data: { commune, exports: [] },
        Component: exportList.default,
      }),
      `${SPACE}/exports`,
    );
    expect(trailOf(html)).toEqual([...spaceTrail, { label: "Exports" }]);
  });

  it("an export: « Espace agents › Angers › Exports › Export », with the message of its request", async () => {
    const id = "0b7c5a3e-8d1f-4a4e-9a43-2f1c3d4e5f60";
    const data = {
      flash: { level: "success", message: "Export demandé : le fichier est préparé en arrière-plan." },
      commune,
      export: {
        id,
        status: "pending",
        format: "xlsx",
        fileName: "familles-angers.xlsx",
        totalRows: 12,
        processedRows: 0,
        byteSize: null,
        error: null,
        createdAt: "04/12/2026 à 10:00",
        expiresAt: "05/12/2026 à 10:00",
      },
    };
    const html = await renderNested(
      inSpace({ path: "exports/:exportId", handle: exportStatus.handle, data, Component: exportStatus.default }),
      `${SPACE}/exports/${id}`,
    );
    expect(trailOf(html)).toEqual([...spaceTrail, { label: "Exports", to: `${SPACE}/exports` }, { label: "Export" }]);
    expect(html).toContain('role="status"><p>Export demandé : le fichier est préparé en arrière-plan.</p>');
  });

  it("data retention: « Espace agents › Angers › Conservation des données »", async () => {
    const data = {
      flash: null,
      commune,
      setting: { years: 2, chosen: false, updatedOn: null },
      expiredNow: 0,
      justErased: false,
      deletions: [],
    };
    const html = await renderNested(
      inSpace({ path: "donnees", handle: retention.handle, data, Component: retention.default }),
      `${SPACE}/donnees`,
    );
    expect(trailOf(html)).toEqual([...spaceTrail, { label: "Conservation des données" }]);
  });
});

describe("the public pages", () => {
  it("the commune list: « Accueil › Choisir votre commune »", async () => {
    const data = { groups: [], query: "", notice: null };
    const html = await renderNested(
      [{ path: "/collectivites", handle: communeList.handle, data, Component: communeList.default }],
      "/collectivites",
    );
    expect(trailOf(html)).toEqual([{ label: "Accueil", to: "/" }, { label: "Choisir votre commune" }]);
  });

  it("a commune's page: « Accueil › Choisir votre commune › <commune> », and none when it is unknown", async () => {
    const page = (data: object): NestedRoute[] => [
      { path: "/collectivites/:siret", handle: communePage.handle, data, Component: communePage.default },
    ];
    const found = await renderNested(
      page({ collectivity: commune, groups: [], message: null, loginFields: {}, tariffs: [] }),
      `/collectivites/${SIRET}`,
    );
    expect(trailOf(found)).toEqual([
      { label: "Accueil", to: "/" },
      { label: "Choisir votre commune", to: "/collectivites" },
      { label: "Angers" },
    ]);
    const unknown = await renderNested(
      page({ collectivity: null, groups: [], message: null, loginFields: {}, tariffs: [] }),
      "/collectivites/00000000000000",
    );
    expect(unknown).toContain("<h1>Commune introuvable</h1>");
    expect(trailOf(unknown)).toEqual([]);
  });

  it("the XML description: « Accueil › Intégrer le formulaire QF › Description de FormulaireQF.xml »", async () => {
    const html = await renderNested(
      [
        {
          path: "/integration/formulaire-qf-xml",
          handle: xmlPage.handle,
          data: xmlPage.loader(),
          Component: xmlPage.default,
        },
      ],
      "/integration/formulaire-qf-xml",
    );
    expect(trailOf(html)).toEqual([
      { label: "Accueil", to: "/" },
      { label: "Intégrer le formulaire QF", to: "/integrer-le-formulaire-qf" },
      { label: "Description de FormulaireQF.xml" },
    ]);
  });
});
