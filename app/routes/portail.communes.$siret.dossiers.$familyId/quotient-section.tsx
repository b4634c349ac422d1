import { Link } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Table } from "~/components/dsfr/table";
import type { FamilyFileView } from "./family-file-view.server";

/** The current QF with its tariff bracket, what the last campaign could not do, and the QF's history. */
export function QuotientSection({
  qf,
  campaignOutcome,
  history,
}: {
  qf: FamilyFileView["family"]["qf"];
  campaignOutcome: FamilyFileView["campaignOutcome"];
  history: FamilyFileView["history"];
}) {
  const byYear = new Map<number, typeof history>();
  for (const entry of history) byYear.set(entry.year, [...(byYear.get(entry.year) ?? []), entry]);
  return (
    <>
      <h2>Quotient familial</h2>
      {qf ? (
        <p className="fr-text--lead" data-testid="qf-courant">
          {qf.value}{" "}
          <span className="fr-text--md">
            — {qf.period} · {qf.provider}
          </span>
        </p>
      ) : (
        <p>Aucun quotient familial connu pour ce dossier.</p>
      )}
      {campaignOutcome ? (
        <Alert
          type={campaignOutcome.status === "not_found" ? "info" : "warning"}
          small
          className="fr-mb-2w"
          description={
            <>
              <span data-testid="resultat-campagne">{campaignOutcome.message}</span>{" "}
              <Link to={campaignOutcome.href}>Voir la campagne</Link>
            </>
          }
        />
      ) : null}
      {qf?.bracket ? (
        <p data-testid="tranche">
          Tranche : <strong>{qf.bracket.label}</strong> (QF {qf.bracket.range})
        </p>
      ) : null}
      {history.length > 0 ? (
        <Table
          caption="Historique du quotient familial, par année"
          size="sm"
          headers={["Année", "Période", "Montant", "Organisme", "Origine"]}
          rows={[...byYear.entries()].flatMap(([year, entries]) =>
            entries.map((entry) => ({
              key: entry.id,
              cells: [String(year), entry.period, entry.value, entry.provider, entry.source],
            })),
          )}
        />
      ) : null}
    </>
  );
}
