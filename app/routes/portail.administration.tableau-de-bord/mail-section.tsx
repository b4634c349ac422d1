import { Table } from "~/components/dsfr/table";
import { number } from "./figures";

/** The mail outbox: counts only, never an address (the recipients are agents, still personal data). */
export function MailSection({ mail }: { mail: { pending: number; failed: number; maybeSent: number } }) {
  return (
    <>
      <h2>Courriels</h2>
      <Table
        caption="Courriels envoyés par la plateforme"
        rowHeaders
        size="sm"
        headers={["Courriels", "Nombre"]}
        rows={[
          { key: "pending", cells: ["En attente d’envoi (dont nouvelles tentatives)", number(mail.pending)] },
          {
            key: "failed",
            cells: ["Abandonnés (refus définitif du relais ou trop de tentatives)", number(mail.failed)],
          },
          {
            key: "maybe-sent",
            cells: ["Peut-être envoyés (envoi interrompu, jamais renvoyés)", number(mail.maybeSent)],
          },
        ]}
      />
    </>
  );
}
