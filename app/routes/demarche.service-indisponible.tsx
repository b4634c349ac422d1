import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { EXTERNAL_ID_PARAM, readCitizenSession, REDIRECT_URI_PARAM } from "~/citizen/journey.server";
import { Alternatives } from "~/components/alternatives";
import { LogoutButton } from "~/components/citizen-logout-button";
import { Button } from "~/components/dsfr/button";

export const meta: MetaFunction = () => [{ title: "Service momentanément indisponible - Portail QF" }];

/** After this many failed retries, the page stops offering a retry and points to the alternatives first. */
const MAX_RETRIES = 2;

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await readCitizenSession(request);
  if (session?.retrieval?.kind !== "provider_unavailable") throw redirect("/collectivites");
  // The retry starts a new login: it must carry what the commune's portal sent, or the payload and the
  // "back to my commune" button would lose them.
  const retryFields: Record<string, string> = {};
  if (session.externalId) retryFields[EXTERNAL_ID_PARAM] = session.externalId;
  if (session.returnUrl) retryFields[REDIRECT_URI_PARAM] = session.returnUrl;
  return {
    siret: session.siret,
    canRetry: session.retrieval.retries < MAX_RETRIES,
    waitSeconds: session.retrieval.waitSeconds ?? null,
    retryFields,
  };
}

/** "30 secondes", "2 minutes", "12 heures": rounded up, a citizen would rather wait a little too long. */
function waitDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} seconde${seconds > 1 ? "s" : ""}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes > 1 ? "s" : ""}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} heure${hours > 1 ? "s" : ""}`;
}

export default function ProviderUnavailable() {
  const { siret, canRetry, waitSeconds, retryFields } = useLoaderData<typeof loader>();
  return (
    <div className="fr-container fr-my-6w">
      {waitSeconds ? (
        <>
          <h1>Le service reçoit trop de demandes en ce moment</h1>
          <p>Votre quotient familial n’a pas pu être récupéré. Rien n’a été transmis à votre commune.</p>
        </>
      ) : (
        <>
          <h1>La CAF ou la MSA ne répond pas pour le moment</h1>
          <p>Votre quotient familial n’a pas pu être récupéré. Rien n’a été transmis à votre commune.</p>
        </>
      )}
      {canRetry ? (
        <>
          {waitSeconds ? (
            <p data-testid="wait-message">
              Patientez environ {waitDuration(waitSeconds)}, puis réessayez : FranceConnect vous reconnaîtra.
            </p>
          ) : (
            <p>Ce problème est souvent passager. Vous pouvez réessayer maintenant : FranceConnect vous reconnaîtra.</p>
          )}
          {/* The FranceConnect token lived 60 s: retrying means a new (usually silent) FranceConnect login. */}
          <form method="get" action={`/collectivites/${siret}/me_connecter`} className="fr-mb-4w">
            {Object.entries(retryFields).map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <Button type="submit" icon="fr-icon-refresh-line">
              Réessayer
            </Button>
          </form>
        </>
      ) : (
        <p data-testid="no-more-retries">
          Le service est toujours indisponible. Réessayez plus tard, ou utilisez une autre solution.
        </p>
      )}
      <Alternatives />
      <LogoutButton />
    </div>
  );
}
