import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { findTransmissionStatus } from "~/citizen/transmission-status.server";
import { Alert } from "~/components/dsfr/alert";
import { HOME_CRUMB } from "~/components/home-crumb";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { ShipmentNextSteps, ShipmentOutcomeAlert } from "~/components/shipment-outcome";
import { getDatabase } from "~/db.server";

const TITLE = "Suivi d’une transmission";

export const meta: MetaFunction = () => [{ title: `${TITLE} - Portail QF` }];

export const handle: BreadcrumbHandle = { breadcrumb: () => [HOME_CRUMB, { label: TITLE }] };

/**
 * The national form's confirmation URL, kept for the links that point at it. Without the citizen's
 * session we can only say where the transmission stands, never what it carried.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const reference = (params.reference ?? "").toUpperCase();
  const found = await findTransmissionStatus(await getDatabase(), params.siret ?? "", reference);
  return data(
    { reference, siret: params.siret ?? "", found },
    { status: found ? 200 : 404, headers: { "Cache-Control": "no-store" } },
  );
}

export default function TransmissionFollowUp() {
  const { reference, siret, found } = useLoaderData<typeof loader>();
  return (
    <div className="fr-container fr-mb-8w">
      <RouteBreadcrumb />
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{TITLE}</h1>
          <p>
            Référence : <strong>{reference}</strong>
          </p>
          {found ? (
            <>
              <ShipmentOutcomeAlert status={found.status} collectivityName={found.collectivityName} />
              <ShipmentNextSteps status={found.status} collectivityName={found.collectivityName} />
              <p className="fr-text--sm fr-mt-4w">
                Pour votre sécurité, cette page ne montre pas les données transmises : seulement où en est leur envoi.
              </p>
            </>
          ) : (
            <>
              <Alert
                type="warning"
                title="Transmission introuvable"
                titleAs="h2"
                description="Nous ne trouvons pas de transmission avec cette référence pour cette commune. Vérifiez le lien, ou recommencez la démarche : elle ne prend que quelques minutes."
              />
              <p className="fr-mt-4w">
                <Link className="fr-link" to={/^[0-9]{14}$/.test(siret) ? `/collectivites/${siret}` : "/collectivites"}>
                  Transmettre mon quotient familial
                </Link>
              </p>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
