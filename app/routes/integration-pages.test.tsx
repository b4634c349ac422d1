import { describe, expect, it } from "vitest";
import { renderRoute } from "../../tests/helpers/render-route";
import { Footer } from "~/components/dsfr/footer";
import { render } from "~/components/dsfr/test-render";
import { buildFormulaireQfXml } from "~/formulaire-qf/xml";
import { EXAMPLE_SHIPMENT } from "~/editor-kit/example-shipment";
import IntegrationPage, { loader as integrationLoader } from "./integrer-le-formulaire-qf/route";
import XmlPage, { loader as xmlLoader } from "./integration.formulaire-qf-xml";

const headingLevels = (html: string) => [...html.matchAll(/<h([1-6])[\s>]/g)].map((match) => Number(match[1]));
const decode = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

function expectHeadingOrder(html: string) {
  const levels = headingLevels(html);
  expect(levels.filter((level) => level === 1)).toHaveLength(1);
  levels.forEach((level, index) => {
    if (index > 0) expect(level - levels[index - 1]!).toBeLessThanOrEqual(1);
  });
}

describe("Intégrer le formulaire QF (editors' page)", async () => {
  const data = integrationLoader({} as never);
  const html = await renderRoute(IntegrationPage, data, "/integrer-le-formulaire-qf");
  const text = decode(html);

  it("has one h1 and never skips a heading level (RGAA 9.1)", () => {
    expectHeadingOrder(html);
    expect(html).toContain("<h1>Intégrer le formulaire QF</h1>");
  });

  it("explains HubEE reception: SI credentials, polling with eventDetails, and every status to report", () => {
    expect(text).toContain("scope=SI");
    expect(text).toContain("/notifications?eventDetails=true&maxResult=25");
    for (const status of ["SI_RECEIVED", "IN_PROGRESS", "DONE", "REFUSED", "SI_INTG_ERROR"]) {
      expect(html).toContain(`<code>${status}</code>`);
    }
  });

  it("gives the deep link with the app's address, the public API and the webhooks", () => {
    expect(text).toContain(
      "http://localhost:3000/collectivites/21490007900010/me_connecter?external_id=DOSSIER-42&amp;redirect_uri=https%3A%2F%2F",
    );
    expect(html).toContain('href="/api/openapi.yaml"');
    expect(html).toContain('href="/api/openapi.json"');
    for (const event of ["dossier.recu", "qf.mis_a_jour", "campagne.terminee"])
      expect(html).toContain(`<code>${event}</code>`);
    expect(text).toContain("webhook-signature: v1,<base64>");
    expect(text).toContain("<webhook-id>.<webhook-timestamp>.<corps>");
    expect(text).toContain('import { Webhook } from "standardwebhooks"');
    expect(text).not.toMatch(/X-Signature-256|X-Webhook-Timestamp/);
    expect(html).toContain('href="/portail"');
  });

  it("links the schema, the XML description and the example files, with the example JSON in a code block", () => {
    expect(html).toContain('href="/integration/schemas/formulaire-qf.schema.json"');
    expect(html).toContain('href="/integration/formulaire-qf-xml"');
    expect(html).toContain('href="/integration/exemples/FormulaireQF.json"');
    expect(text).toContain('"quotient_familial_v3": {');
    expect(html).toMatch(/<pre class="qf-code" tabindex="0" aria-label="[^"]+" role="region"><code>/);
  });

  it("is linked from the footer of every page", () => {
    expect(render(<Footer />)).toMatch(
      /class="fr-footer__bottom-link"[^>]*href="\/integrer-le-formulaire-qf"[^>]*>Éditeurs : intégrer le formulaire QF</,
    );
  });
});

describe("Description de FormulaireQF.xml", async () => {
  const html = await renderRoute(XmlPage, xmlLoader(), "/integration/formulaire-qf-xml");

  it("shows the example file exactly as it is sent", () => {
    expectHeadingOrder(html);
    expect(decode(html)).toContain(buildFormulaireQfXml(EXAMPLE_SHIPMENT).toString("utf8"));
  });

  it("explains the XML dialect in a captioned table", () => {
    expect(html).toContain("<caption>Correspondance entre FormulaireQF.json et FormulaireQF.xml</caption>");
    expect(decode(html)).toContain('<external-id nil="true"/>');
  });
});
