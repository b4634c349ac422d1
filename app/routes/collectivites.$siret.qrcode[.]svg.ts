import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { collectivityQrCodeResponse } from "~/qrcode/collectivity-qrcode.server";

/** GET /collectivites/<SIRET>/qrcode.svg: the commune page's QR code as a vector, for print shops. */
export async function loader({ params }: LoaderFunctionArgs) {
  return collectivityQrCodeResponse(await getDatabase(), {
    siret: params.siret ?? "",
    appUrl: getConfig().APP_URL,
    format: "svg",
  });
}
