import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BarChart, describeSeries, niceTicks } from "./bar-chart";

const render = (data: Array<{ label: string; value: number; axisLabel?: string }>, labelEvery?: number) =>
  renderToStaticMarkup(
    <BarChart
      id="essai"
      title="Familles par tranche"
      categoryLabel="Tranche"
      valueLabel="Familles"
      data={data}
      note="Note de lecture."
      labelEvery={labelEvery}
    />,
  );

describe("BarChart", () => {
  const html = render([
    { label: "Tranche A", value: 3 },
    { label: "Tranche B", value: 0 },
    { label: "Tranche C", value: 12 },
  ]);

  it("is one image named by its title and described by its values (RGAA 1.1, 1.3)", () => {
    expect(html).toMatch(/<svg role="img" aria-labelledby="essai-titre essai-description"/);
    expect(html).toContain('<title id="essai-titre">Familles par tranche</title>');
    expect(html).toContain(
      '<desc id="essai-description">Tranche A : 3 ; Tranche B : 0 ; Tranche C : 12. Total : 15. Note de lecture.</desc>',
    );
  });

  it("draws one bar per value, heights proportional to the values", () => {
    const heights = [...html.matchAll(/<rect class="qf-chart__bar"[^>]* height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(3);
    expect(heights[1]).toBe(0);
    expect(heights[2]! / heights[0]!).toBeCloseTo(4);
  });

  it("follows with the same data in a DSFR table inside <details>, for screen readers and keyboard users", () => {
    const details = html.slice(html.indexOf("<details"));
    expect(details).toContain("<summary>Voir les données de « Familles par tranche » en tableau</summary>");
    expect(details).toContain("<caption>Familles par tranche</caption>");
    expect(details).toContain('<th scope="col">Tranche</th><th scope="col">Familles</th>');
    expect(details).toContain('<th scope="row">Tranche C</th><td>12</td>');
  });

  it("summarises long series and thins the axis labels, keeping every value in the table", () => {
    const days = Array.from({ length: 30 }, (_, i) => ({ label: `jour ${i + 1}`, axisLabel: `j${i + 1}`, value: i }));
    const long = render(days, 5);
    expect(long).toContain("30 valeurs, de jour 1 à jour 30. Familles : 435 au total, au plus 29 (jour 30).");
    expect(long.match(/>j\d+<\/text>/g)).toHaveLength(6);
    expect(long.match(/<th scope="row">jour \d+<\/th>/g)).toHaveLength(30);
  });

  it("says when there is nothing to show", () => {
    expect(render([])).toContain('<desc id="essai-description">Aucune donnée. Note de lecture.</desc>');
    expect(render([{ label: "Tranche A", value: 0 }])).toContain("Aucune valeur à afficher pour l’instant</text>");
    expect(html).not.toContain("Aucune valeur à afficher");
  });
});

describe("niceTicks", () => {
  it.each([
    [0, [0]],
    [3, [0, 1, 2, 3]],
    [12, [0, 5, 10, 15]],
    [435, [0, 200, 400, 600]],
  ])("gives round ticks up to %i", (max, ticks) => {
    expect(niceTicks(max)).toEqual(ticks);
  });
});

describe("describeSeries", () => {
  it("formats numbers the French way", () => {
    expect(describeSeries([{ label: "A", value: 1200 }], "Familles").replace(/\u202f/g, " ")).toBe(
      "A : 1 200. Total : 1 200.",
    );
  });
});
