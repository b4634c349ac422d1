import { Table } from "~/components/dsfr/table";
import { number, percent } from "./figures";
import type { PlatformDashboardView } from "./platform-dashboard.server";

/** HubEE's error rates, sending (our credentials) and receiving (the communes'). */
export function HubeeSection({ hubee }: { hubee: PlatformDashboardView["hubee"] }) {
  return (
    <>
      <h2>HubEE</h2>
      <Table
        caption="Taux d’erreur HubEE"
        rowHeaders
        size="sm"
        headers={["Mesure", "Nombre", "Taux"]}
        rows={[
          {
            key: "attempts",
            cells: [
              `Envoi : tentatives de livraison (${number(hubee.sending.shipments)} transmissions)`,
              number(hubee.sending.attempts),
              "",
            ],
          },
          {
            key: "failed-attempts",
            cells: [
              "Envoi : tentatives en erreur",
              number(hubee.sending.failedAttempts),
              percent(hubee.sending.failedAttempts, hubee.sending.attempts),
            ],
          },
          {
            key: "failed-shipments",
            cells: [
              "Envoi : transmissions abandonnées",
              number(hubee.sending.failedShipments),
              percent(hubee.sending.failedShipments, hubee.sending.shipments),
            ],
          },
          {
            key: "inboxes",
            cells: [
              "Réception : communes dont le dernier relevé a échoué",
              number(hubee.inboxes.failing),
              percent(hubee.inboxes.failing, hubee.inboxes.polled),
            ],
          },
          {
            key: "stalest",
            cells: [
              `Réception : relevé le plus ancien, en minutes (borne : ${hubee.inboxes.boundMinutes} min)`,
              hubee.inboxes.stalestMinutes === null ? "—" : number(hubee.inboxes.stalestMinutes),
              "",
            ],
          },
          {
            key: "overdue",
            cells: [
              "Réception : boîtes en retard de plus de 2 minutes sur leur relevé prévu",
              number(hubee.inboxes.overdue),
              percent(hubee.inboxes.overdue, hubee.inboxes.polled),
            ],
          },
          {
            key: "integration",
            cells: [
              `Réception : dossiers non intégrables (SI_INTG_ERROR) sur ${number(hubee.receivedCases)} reçus`,
              number(hubee.integrationErrors),
              percent(hubee.integrationErrors, hubee.receivedCases),
            ],
          },
        ]}
      />
      {hubee.inboxes.failingCommunes.length > 0 ? (
        <Table
          caption="Communes dont le dernier relevé HubEE a échoué"
          rowHeaders
          size="sm"
          headers={["Commune", "Dernier relevé"]}
          rows={hubee.inboxes.failingCommunes.map((commune) => ({
            key: commune.name,
            cells: [commune.name, commune.since ?? "—"],
          }))}
        />
      ) : null}
    </>
  );
}
