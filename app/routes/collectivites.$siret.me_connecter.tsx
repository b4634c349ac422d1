import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { findActiveCollectivityBySiret } from "~/citizen/collectivities.server";
import {
  beginLogin,
  communeWithJourney,
  EXTERNAL_ID_PARAM,
  readCitizenSession,
  REDIRECT_URI_PARAM,
} from "~/citizen/journey.server";
import { resolveReturnUrl } from "~/citizen/redirect-uri";
import { OidcLoginError } from "~/auth/oidc-client.server";
import { getDatabase } from "~/db.server";
import { readExternalId } from "~/domain/external-id";
import { redirectWithCookies } from "~/portal/access/redirect-with-cookies.server";
import { noteRefusedRedirectUri } from "~/portal/settings/refused-redirect-origins.server";

/**
 * Entry point used by the commune page and by communes' own portals
 * (`?external_id=…&redirect_uri=…`): starts FranceConnect.
 */
export async function loader({ params, request }: LoaderFunctionArgs) {
  const collectivity = await findActiveCollectivityBySiret(await getDatabase(), params.siret ?? "");
  // Unknown, inactive, or without an active HubEE subscription (the commune page says so): no login.
  if (!collectivity || collectivity.hubeeSubscription === "absent") {
    return redirect(`/collectivites/${encodeURIComponent(params.siret ?? "")}`);
  }
  const url = new URL(request.url);
  const redirectUri = url.searchParams.get(REDIRECT_URI_PARAM);
  const returnUrl = resolveReturnUrl(redirectUri ?? undefined, collectivity.redirectOrigins);
  const reading = readExternalId(url.searchParams.get(EXTERNAL_ID_PARAM));
  if (!reading.ok) {
    // Too long to travel with the QF: said on the commune page, before FranceConnect, which offers
    // to go on without it (the commune can still match the file by identity).
    return redirect(
      communeWithJourney({ siret: collectivity.siret, externalId: null, returnUrl }, { numero_dossier: "trop-long" }),
    );
  }
  const { externalId } = reading;
  if (redirectUri && !returnUrl) {
    // The citizen goes on without a way back; the commune's settings page tells its integrator why.
    await noteRefusedRedirectUri(await getDatabase(), collectivity.id, redirectUri);
  }
  try {
    const next = await beginLogin({
      collectivity,
      externalId,
      redirectUri,
      // A retry after API Particulier was down keeps counting (see beginLogin).
      previous: await readCitizenSession(request),
    });
    return redirectWithCookies(next.location, next.setCookies);
  } catch (error) {
    if (error instanceof OidcLoginError) {
      // FranceConnect unreachable: back to the commune page, still carrying what the commune's portal sent.
      return redirect(
        communeWithJourney({ siret: collectivity.siret, externalId, returnUrl }, { franceconnect: "erreur" }),
      );
    }
    throw error;
  }
}
