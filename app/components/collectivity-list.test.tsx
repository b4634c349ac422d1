import { describe, expect, it } from "vitest";
import { renderRoute } from "../../tests/helpers/render-route";
import { CollectivityList } from "./collectivity-list";

describe("CollectivityList", () => {
  it("says in the field what to type, since DSFR hides the search bar's label", async () => {
    // Its search is a Remix <Form>, which needs a data router.
    const html = await renderRoute(() => <CollectivityList groups={[]} query="" />, {}, "/collectivites");
    const input = html.match(/<input[^>]*id="q"[^>]*>/)?.[0] ?? "";
    expect(input).toContain('placeholder="Commune ou département"');
    expect(html).toContain('<label class="fr-label" for="q">Rechercher votre commune');
  });

  it("titles each département by its number and COG name", async () => {
    const groups = [
      {
        departement: "49",
        departementLabel: "49 — Maine-et-Loire",
        collectivities: [{ name: "Angers", siret: "21490007900010", codeCog: "49007" }],
      },
    ];
    const html = await renderRoute(() => <CollectivityList groups={groups} query="" />, {}, "/collectivites");
    expect(html).toContain('<h2 id="departement-49" class="fr-h5">49 — Maine-et-Loire</h2>');
  });
});
