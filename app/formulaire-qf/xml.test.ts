import { convert, create } from "xmlbuilder2";
import { describe, expect, it } from "vitest";
import { DUBOIS_CLAIMS, duboisShipment, stagingQuotientFamilial } from "../../tests/fixtures/shipment-data";
import { pivotIdentityFromClaims } from "~/auth/franceconnect-claims";
import { formulaireQfDocument } from "./document";
import { buildFormulaireQfJson } from "./json";
import { buildFormulaireQfXml, xmlText } from "./xml";

/**
 * Reads the XML back the way Rails' Hash.from_xml would (nil="true" → null, type="integer" →
 * number, type="array" → list), walking the DOM so entities are decoded as any parser does.
 */
function fromRailsXml(xml: string): unknown {
  const root = create(xml).root().node as unknown as Element;
  expect(root.nodeName).toBe("hash");
  return readElement(root);
}

function readElement(element: Element): unknown {
  if (element.getAttribute("nil") === "true") return null;
  const children = Array.from(element.childNodes).filter((n): n is Element => n.nodeType === 1);
  const type = element.getAttribute("type");
  if (type === "array") return children.map(readElement);
  if (type === "integer") return Number(element.textContent);
  if (children.length === 0) return element.textContent ?? "";
  return Object.fromEntries(children.map((child) => [child.nodeName.replace(/-/g, "_"), readElement(child)]));
}

/** Single-pass decoding of XML character data (no CDATA in our files). */
function decodeXmlText(text: string): string {
  const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
  return text.replace(/&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, (_match, entity: string) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return named[entity]!;
  });
}

describe("buildFormulaireQfXml", () => {
  it("writes the Rails Hash#to_xml dialect the reference sends", () => {
    const xml = buildFormulaireQfXml(duboisShipment()).toString("utf8");
    expect(
      xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<hash>\n  <external-id>DOSSIER-42</external-id>\n'),
    ).toBe(true);
    expect(xml).toContain(
      [
        "  <pivot-identity>",
        "    <birthcountry>99100</birthcountry>",
        "    <birthdate>1962-08-24</birthdate>",
        "    <birthplace>75107</birthplace>",
        "    <family-name>DUBOIS</family-name>",
        "    <given-name>Angela Claire Louise</given-name>",
        "    <gender>female</gender>",
        "  </pivot-identity>",
      ].join("\n"),
    );
    expect(xml).toContain(
      '<allocataires type="array">\n      <allocataire>\n        <nom-naissance>DUBOIS</nom-naissance>',
    );
    expect(xml).toContain('<nom-usage nil="true"/>');
    expect(xml).toContain('<enfants type="array"/>');
    expect(xml).toContain('<valeur type="integer">2550</valeur>');
    expect(xml).toContain("<version>v3</version>\n  </quotient-familial-v3>");
    expect(xml).toContain('<quotientFamilial type="integer">2550</quotientFamilial>');
    expect(xml).toContain("<anneeDateDeNaissance>1962</anneeDateDeNaissance>");
    expect(xml.endsWith("</hash>\n")).toBe(true);
  });

  it.each([
    ["the `test` user", duboisShipment()],
    ["an MSA family with children", duboisShipment({ quotientFamilial: stagingQuotientFamilial("placardMsa") })],
    [
      "a child with a presumed birthdate",
      duboisShipment({ quotientFamilial: stagingQuotientFamilial("presumedChild") }),
    ],
    [
      "someone born abroad, without external id",
      duboisShipment({
        externalId: null,
        pivotIdentity: pivotIdentityFromClaims({ ...DUBOIS_CLAIMS, birthplace: "", birthcountry: "99350" }),
        quotientFamilial: stagingQuotientFamilial("abroad"),
      }),
    ],
    ["a response without any scope", duboisShipment({ quotientFamilial: {} })],
  ])("parses back to the same values as the JSON: %s", (_label, data) => {
    const fromXml = fromRailsXml(buildFormulaireQfXml(data).toString("utf8"));
    expect(fromXml).toStrictEqual(JSON.parse(buildFormulaireQfJson(data).toString("utf8")));
    expect(fromXml).toStrictEqual(formulaireQfDocument(data));
  });

  it("can be read by xmlbuilder2's object conversion too", () => {
    const object = convert(buildFormulaireQfXml(duboisShipment()).toString("utf8"), { format: "object" }) as {
      hash: { "pivot-identity": Record<string, string>; "quotient-familial": Record<string, unknown> };
    };
    expect(object.hash["pivot-identity"]["family-name"]).toBe("DUBOIS");
    expect(object.hash["quotient-familial"]["regime"]).toBe("CNAF");
  });

  it("escapes markup and drops what XML cannot carry", () => {
    const externalId = `<a href="x">'&amp;'</a>&x;&#0;&#60;\u0000\u0001\u0008\u000b\u000c\u001f\ufffe\ud800 fin`;
    const family = 'D\'ARC & <FILS> "SA"\r\nligne 2\ttab';
    const data = duboisShipment({
      externalId,
      pivotIdentity: { ...duboisShipment().pivotIdentity, familyName: family },
    });
    const xml = buildFormulaireQfXml(data).toString("utf8");
    expect(xml).toContain(
      "<external-id>&lt;a href=\"x\"&gt;'&amp;amp;'&lt;/a&gt;&amp;x;&amp;#0;&amp;#60; fin</external-id>",
    );
    // eslint-disable-next-line no-control-regex -- asserting that no control character made it through
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe]/);
    // xmlbuilder2's own parser decodes "&amp;#0;" twice, so the text is decoded here in one pass, as XML says.
    expect(decodeXmlText(/<external-id>(.*)<\/external-id>/.exec(xml)![1]!)).toBe(
      `<a href="x">'&amp;'</a>&x;&#0;&#60; fin`,
    );
    const back = fromRailsXml(xml) as { pivot_identity: { family_name: string } };
    expect(back.pivot_identity.family_name).toBe('D\'ARC & <FILS> "SA"\nligne 2\ttab');
  });

  it("keeps accents and characters beyond the BMP", () => {
    const data = duboisShipment({
      pivotIdentity: { ...duboisShipment().pivotIdentity, familyName: "DURANTéàèùòœæŒÆ 𝔄" },
    });
    const back = fromRailsXml(buildFormulaireQfXml(data).toString("utf8")) as {
      pivot_identity: { family_name: string };
    };
    expect(back.pivot_identity.family_name).toBe("DURANTéàèùòœæŒÆ 𝔄");
  });
});

describe("xmlText", () => {
  it("keeps tab and line feed, normalises carriage returns, drops other control characters", () => {
    expect(xmlText("a\tb\nc\r\nd\re\u0000f\u007fg")).toBe("a\tb\nc\nd\nef\u007fg");
  });
});
