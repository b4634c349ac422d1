import { describe, expect, it } from "vitest";
import { renderRoute } from "../../tests/helpers/render-route";
import { CollectivityList } from "./collectivity-list";

describe("CollectivityList", () => {
  it("says in the field what to type, since DSFR hides the search bar's label", async () => {
    // Its search is a Remix <Form>, which needs a data router.
    const html = await renderRoute(() => <CollectivityList groups={[]} query="" />, {}, "/collectivites");
    const input = html.match(/<input[^>]*id="q"[^>]*>/)?.[0] ?? "";
    expect(input).toContain('placeholder="Nom, code INSEE ou numéro de département"');
    expect(html).toContain('<label class="fr-label" for="q">Rechercher votre commune');
  });
});
