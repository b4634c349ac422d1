import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { collectivityQrCodeResponse } from "~/qrcode/collectivity-qrcode.server";

/** GET /collectivites/<SIRET>/qrcode.png: the commune page's QR code, 600 px, for posters. */
export async function loader({ params }: LoaderFunctionArgs) {
  return collectivityQrCodeResponse(await getDatabase(), {
    siret: params.siret ?? "",
    appUrl: getConfig().APP_URL,
    format: "png",
  });
}
