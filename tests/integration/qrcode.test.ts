import QRCode from "qrcode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { getConfig } from "~/config.server";
import { useDatabaseHandle } from "~/db.server";
import { fileSlug } from "~/qrcode/collectivity-qrcode.server";
import { loader as pngLoader } from "~/routes/collectivites.$siret.qrcode[.]png";
import { loader as svgLoader } from "~/routes/collectivites.$siret.qrcode[.]svg";
import { testLoadContext } from "../helpers/load-context.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const BESANCON = "21250056300011";
const QUIMPER_INACTIVE = "21290232000010";

let handle: DatabaseHandle;

function qrcode(format: "png" | "svg", siret: string): Promise<Response> {
  const loader = format === "png" ? pngLoader : svgLoader;
  const request = new Request(`http://localhost/collectivites/${siret}/qrcode.${format}`);
  return loader({ request, params: { siret }, context: testLoadContext() }) as Promise<Response>;
}

const pageUrl = (siret: string) => `${getConfig().APP_URL}/collectivites/${siret}`;

beforeAll(async () => {
  handle = await createTestDatabase();
  await seedDemo(handle.db);
  useDatabaseHandle(handle);
});
afterAll(() => handle.close());

describe("commune page QR codes", () => {
  it("serves a 600 px PNG of the commune page's URL, inline and cacheable", async () => {
    const response = await qrcode("png", BESANCON);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("content-disposition")).toBe('inline; filename="qrcode-besancon.png"');
    expect(response.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    const png = Buffer.from(await response.arrayBuffer());
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    // The first chunk is IHDR: width and height as big-endian 32-bit integers.
    expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
    expect(png.readUInt32BE(16)).toBe(600);
    expect(png.readUInt32BE(20)).toBe(600);
    // Same bytes as the library gives for the expected URL: the image encodes exactly that URL.
    const expected = await QRCode.toBuffer(pageUrl(BESANCON), {
      type: "png",
      width: 600,
      margin: 4,
      errorCorrectionLevel: "M",
    });
    expect(png.equals(expected)).toBe(true);
  });

  it("serves an SVG of the same URL", async () => {
    const response = await qrcode("svg", BESANCON);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(response.headers.get("content-disposition")).toBe('inline; filename="qrcode-besancon.svg"');
    const svg = await response.text();
    expect(svg).toContain("<svg");
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toBe(await QRCode.toString(pageUrl(BESANCON), { type: "svg", margin: 4, errorCorrectionLevel: "M" }));
  });

  it.each([
    ["an unknown SIRET", "21999999900019"],
    ["an inactive commune", QUIMPER_INACTIVE],
    ["a malformed SIRET", "not-a-siret"],
  ])("answers 404 for %s", async (_case, siret) => {
    for (const format of ["png", "svg"] as const) {
      const response = await qrcode(format, siret);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    }
  });

  it("names files after the commune in plain ASCII", () => {
    expect(fileSlug("Saint-Étienne")).toBe("saint-etienne");
    expect(fileSlug("L'Haÿ-les-Roses")).toBe("l-hay-les-roses");
    expect(fileSlug("CCAS d'Angers")).toBe("ccas-d-angers");
    expect(fileSlug("???")).toBe("commune");
  });
});
