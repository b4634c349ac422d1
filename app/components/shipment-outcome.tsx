import type { ShipmentStatus } from "../../db/schema/shipments.ts";
import { CITIZEN_PAYLOAD_RETENTION_DAYS } from "~/retention-periods";
import { Alternatives } from "./alternatives";
import { Alert } from "./dsfr/alert";

/**
 * What the confirmation page tells a citizen about their transmission. Each outcome has its
 * own headline, alert and "what happens next": a failed delivery must never be followed by
 * "nothing else to do", nor a pending one by "transmitted".
 */

export const SHIPMENT_OUTCOME_TITLES: Record<ShipmentStatus, string> = {
  delivered: "Quotient familial transmis",
  pending: "Transmission en cours",
  failed: "Transmission impossible",
};

export function shipmentHeadline(status: ShipmentStatus, collectivityName: string): string {
  switch (status) {
    case "delivered":
      return `Votre quotient familial a été transmis à ${collectivityName}`;
    case "pending":
      return "Votre demande est enregistrée";
    case "failed":
      return `La transmission à ${collectivityName} n’a pas pu aboutir`;
  }
}

type OutcomeProps = { status: ShipmentStatus; collectivityName: string };

/** Under the h1 and the stepper: its title is an h2 (RGAA 9.1). */
export function ShipmentOutcomeAlert({ status, collectivityName }: OutcomeProps) {
  const title = SHIPMENT_OUTCOME_TITLES[status];
  switch (status) {
    case "delivered":
      return (
        <Alert
          type="success"
          title="Transmission réussie"
          titleAs="h2"
          description={`${collectivityName} a reçu votre quotient familial par la plateforme d’échange de l’État.`}
        />
      );
    case "pending":
      return (
        <Alert
          type="info"
          title={title}
          titleAs="h2"
          description={`La plateforme d’échange de l’État est lente ou indisponible en ce moment. Votre demande sera envoyée à ${collectivityName} automatiquement dès que possible : vous n’avez rien à refaire.`}
        />
      );
    case "failed":
      return (
        <Alert
          type="error"
          title={title}
          titleAs="h2"
          description={`${collectivityName} ne peut pas recevoir de dossier par ce service pour le moment. Rien ne lui a été envoyé.`}
        />
      );
  }
}

/** "Et maintenant ?": what the citizen still has to do, if anything, and what becomes of their data. */
export function ShipmentNextSteps({ status, collectivityName }: OutcomeProps) {
  const heading = <h2 className="fr-h4">Et maintenant&nbsp;?</h2>;
  switch (status) {
    case "delivered":
      return (
        <>
          {heading}
          <p>
            {collectivityName} utilisera votre quotient familial pour calculer vos tarifs (cantine, crèche, loisirs).
            Vous n’avez rien d’autre à faire. Ce service n’en garde pas de copie : vos données ont été effacées dès leur
            transmission.
          </p>
        </>
      );
    case "pending":
      return (
        <>
          {heading}
          <p>
            Dès qu’elle l’aura reçu, {collectivityName} utilisera votre quotient familial pour calculer vos tarifs
            (cantine, crèche, loisirs). Si votre mairie vous dit ne pas l’avoir reçu, donnez-lui votre attestation de
            quotient familial en indiquant votre référence.
          </p>
          <p>
            Vos données sont effacées de ce service dès leur réception par la commune, et au plus tard après{" "}
            {CITIZEN_PAYLOAD_RETENTION_DAYS} jours.
          </p>
        </>
      );
    case "failed":
      return (
        <>
          {heading}
          <p>
            Pour que vos tarifs tiennent compte de votre quotient familial, donnez vous-même votre attestation de
            quotient familial à votre mairie, en indiquant votre référence.
          </p>
          <Alternatives titleLevel="h3" />
          <p>
            Vos données ne seront pas transmises. Ce service les efface au plus tard {CITIZEN_PAYLOAD_RETENTION_DAYS}{" "}
            jours après votre demande.
          </p>
        </>
      );
  }
}
