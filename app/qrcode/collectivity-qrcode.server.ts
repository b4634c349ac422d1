import QRCode from "qrcode";
import type { Database } from "../../db/client.ts";
import { findActiveCollectivityBySiret } from "~/citizen/collectivities.server";

/**
 * QR codes of a commune's page (/collectivites/<SIRET>), which communes print
 * on posters and leaflets: PNG for office tools, SVG for print shops.
 */

export type QrCodeFormat = "png" | "svg";

/** 600 px is sharp on an A4 poster; 4 modules of white margin is the quiet zone the standard asks for. */
const PNG_WIDTH = 600;
const MARGIN_MODULES = 4;
/** "M" restores up to 15 % of a damaged or dirty print: a sound trade-off for a short URL. */
const ERROR_CORRECTION = "M";
/** The image only changes with APP_URL: a day of caching spares regeneration. */
const CACHE_CONTROL = "public, max-age=86400";

const CONTENT_TYPES: Record<QrCodeFormat, string> = { png: "image/png", svg: "image/svg+xml; charset=utf-8" };

export function collectivityPageUrl(appUrl: string, siret: string): string {
  return `${appUrl.replace(/\/+$/, "")}/collectivites/${siret}`;
}

export async function renderQrCode(text: string, format: QrCodeFormat): Promise<Uint8Array<ArrayBuffer> | string> {
  const common = { margin: MARGIN_MODULES, errorCorrectionLevel: ERROR_CORRECTION } as const;
  if (format === "svg") return QRCode.toString(text, { ...common, type: "svg" });
  // A plain Uint8Array (not a pooled Buffer) is what a Response body accepts.
  return new Uint8Array(await QRCode.toBuffer(text, { ...common, type: "png", width: PNG_WIDTH }));
}

/** "Saint-Étienne" → "saint-etienne": a file name every system accepts. */
export function fileSlug(name: string): string {
  const slug = name
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "commune";
}

/** The QR code of an active collectivity's page, or a 404 for an unknown or inactive SIRET. */
export async function collectivityQrCodeResponse(
  db: Database,
  { siret, appUrl, format }: { siret: string; appUrl: string; format: QrCodeFormat },
): Promise<Response> {
  const collectivity = await findActiveCollectivityBySiret(db, siret);
  if (!collectivity) {
    return new Response("Commune introuvable ou service non proposé par cette commune.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const image = await renderQrCode(collectivityPageUrl(appUrl, collectivity.siret), format);
  return new Response(image, {
    headers: {
      "Content-Type": CONTENT_TYPES[format],
      "Content-Disposition": `inline; filename="qrcode-${fileSlug(collectivity.name)}.${format}"`,
      "Cache-Control": CACHE_CONTROL,
    },
  });
}
