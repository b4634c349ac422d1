import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { CitizenTariffs } from "~/components/citizen-tariffs";
import { redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { findCollectivityBySiret } from "~/citizen/collectivities.server";
import { journeyLostLocation, readCitizenSession } from "~/citizen/journey.server";
import { findShipmentByReference } from "~/citizen/shipments.server";
import { LogoutButton } from "~/components/citizen-logout-button";
import { Stepper } from "~/components/dsfr/stepper";
import {
  SHIPMENT_OUTCOME_TITLES,
  ShipmentNextSteps,
  ShipmentOutcomeAlert,
  shipmentHeadline,
} from "~/components/shipment-outcome";
import { getDatabase } from "~/db.server";
import { getConfig } from "~/config.server";

// The tab's title says the outcome too: a failed transmission is not "registered".
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? SHIPMENT_OUTCOME_TITLES[data.status] : "Transmission"} - Portail QF` },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await readCitizenSession(request);
  if (!session) throw redirect(await journeyLostLocation(request));
  if (!session.shipmentReference) throw redirect("/collectivites");
  const db = await getDatabase();
  const shipment = await findShipmentByReference(db, session.shipmentReference);
  if (!shipment) throw redirect("/collectivites");
  const collectivity = await findCollectivityBySiret(db, session.siret);
  return {
    reference: shipment.reference,
    status: shipment.status,
    collectivityName: collectivity?.name ?? "votre commune",
    returnUrl: session.returnUrl,
    feedbackUrl: getConfig().FEEDBACK_URL ?? null,
    tariffs: session.tariffs ?? [],
  };
}

export default function Confirmation() {
  const { reference, status, collectivityName, returnUrl, feedbackUrl, tariffs } = useLoaderData<typeof loader>();
  return (
    <div className="fr-container fr-my-6w">
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{shipmentHeadline(status, collectivityName)}</h1>
          {/* Under the h1, as on the review page: its title is an h2, the page's own title comes first (RGAA 9.1). */}
          <Stepper title="Confirmation" currentStep={3} stepCount={3} />
          <ShipmentOutcomeAlert status={status} collectivityName={collectivityName} />
          {/* The reference once, whatever the outcome: the next steps refer to it. */}
          <p className="fr-mt-4w">
            <strong data-testid="reference">Référence : {reference}</strong>. Notez-la : la mairie peut vous la
            demander.
          </p>
          <ShipmentNextSteps status={status} collectivityName={collectivityName} />
          <CitizenTariffs tariffs={tariffs} collectivityName={collectivityName} />
          {returnUrl ? (
            <p>
              <a className="fr-btn" href={returnUrl}>
                Retourner sur le site de ma commune
              </a>
            </p>
          ) : null}
          {feedbackUrl ? (
            <p>
              <a
                className="fr-link"
                href={feedbackUrl}
                target="_blank"
                rel="noopener noreferrer"
                title="Je donne mon avis - nouvelle fenêtre"
              >
                Je donne mon avis
              </a>{" "}
              sur cette démarche : deux minutes, sans donnée personnelle.
            </p>
          ) : null}
          <LogoutButton />
        </div>
      </div>
    </div>
  );
}
