import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { findCollectivityBySiret } from "~/citizen/collectivities.server";
import { readCitizenSession } from "~/citizen/journey.server";
import { findShipmentByReference } from "~/citizen/shipments.server";
import { LogoutButton } from "~/components/citizen-logout-button";
import { Alert } from "~/components/dsfr/alert";
import { Stepper } from "~/components/dsfr/stepper";
import { getDatabase } from "~/db.server";

export const meta: MetaFunction = () => [{ title: "Transmission enregistrée - Portail QF" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await readCitizenSession(request);
  if (!session?.shipmentReference) throw redirect("/collectivites");
  const db = await getDatabase();
  const shipment = await findShipmentByReference(db, session.shipmentReference);
  if (!shipment) throw redirect("/collectivites");
  const collectivity = await findCollectivityBySiret(db, session.siret);
  return {
    reference: shipment.reference,
    status: shipment.status,
    collectivityName: collectivity?.name ?? "votre commune",
    returnUrl: session.returnUrl,
  };
}

export default function Confirmation() {
  const { reference, status, collectivityName, returnUrl } = useLoaderData<typeof loader>();
  // Under the h1, as on the review page: its title is an h2, the page's own title comes first (RGAA 9.1).
  const stepper = <Stepper title="Confirmation" currentStep={3} stepCount={3} />;
  return (
    <div className="fr-container fr-my-6w">
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-md-10 fr-col-lg-8">
          {status === "delivered" ? (
            <>
              <h1>Votre quotient familial a été transmis à {collectivityName}</h1>
              {stepper}
              <Alert
                type="success"
                title="Transmission réussie"
                titleAs="h2"
                description={`Référence de votre démarche : ${reference}`}
              />
            </>
          ) : status === "pending" ? (
            <>
              <h1>Votre demande est enregistrée</h1>
              {stepper}
              <Alert
                type="info"
                title="Transmission en cours"
                titleAs="h2"
                description={`La plateforme d’échange de l’État est lente ou indisponible en ce moment. Votre demande est enregistrée et sera envoyée à ${collectivityName} automatiquement dès que possible : vous n’avez rien à refaire. Référence : ${reference}`}
              />
            </>
          ) : (
            <>
              <h1>La transmission à {collectivityName} n’a pas pu aboutir</h1>
              {stepper}
              <Alert
                type="error"
                title="Transmission impossible"
                titleAs="h2"
                description={`${collectivityName} ne peut pas recevoir de dossier par ce service pour le moment. Donnez votre attestation de quotient familial directement à votre mairie (par e-mail ou à l’accueil). Référence à indiquer : ${reference}`}
              />
            </>
          )}
          <p className="fr-mt-4w">
            <strong data-testid="reference">Référence : {reference}</strong>. Notez-la : la mairie peut vous la
            demander.
          </p>
          <h2 className="fr-h4">Et maintenant ?</h2>
          <p>
            {collectivityName} utilisera votre quotient familial pour calculer vos tarifs (cantine, crèche, loisirs).
            Vous n’avez rien d’autre à faire. Vos données sont effacées de ce service dès leur réception par la commune,
            et au plus tard après 90 jours.
          </p>
          {returnUrl ? (
            <p>
              <a className="fr-btn" href={returnUrl}>
                Retourner sur le site de ma commune
              </a>
            </p>
          ) : null}
          <LogoutButton />
        </div>
      </div>
    </div>
  );
}
