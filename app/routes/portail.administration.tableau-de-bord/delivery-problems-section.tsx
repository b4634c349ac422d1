import { BarChart } from "~/components/charts/bar-chart";
import { Table } from "~/components/dsfr/table";
import { deliveryErrorLabel } from "~/portal/dashboards/delivery-errors";
import { number } from "./figures";
import type { PlatformDashboardView } from "./platform-dashboard.server";

/** Shipments given up or retrying, by error code and by commune: codes only, never HubEE's message. */
export function DeliveryProblemsSection({
  deliveryProblems,
  maxListed,
}: {
  deliveryProblems: PlatformDashboardView["deliveryProblems"];
  maxListed: number;
}) {
  return (
    <>
      <h2>Échecs de livraison</h2>
      <p>
        {number(deliveryProblems.failed)} transmissions abandonnées, {number(deliveryProblems.retrying)} en cours de
        nouvel essai (toutes dates confondues).
      </p>
      {deliveryProblems.byErrorCode.length > 0 ? (
        <>
          <BarChart
            id="echecs"
            title="Transmissions en échec ou en nouvel essai, par code d’erreur"
            categoryLabel="Code d’erreur"
            valueLabel="Transmissions"
            data={deliveryProblems.byErrorCode.map((row) => ({
              label: `${row.code} (${deliveryErrorLabel(row.code)})`,
              axisLabel: row.code.length > 18 ? `${row.code.slice(0, 17)}…` : row.code,
              value: row.failed + row.retrying,
            }))}
          />
          <Table
            caption="Échecs de livraison par code d’erreur"
            rowHeaders
            size="sm"
            headers={["Code", "Signification", "Abandonnées", "En nouvel essai"]}
            rows={deliveryProblems.byErrorCode.map((row) => ({
              key: row.code,
              cells: [
                <code key="c">{row.code}</code>,
                deliveryErrorLabel(row.code),
                number(row.failed),
                number(row.retrying),
              ],
            }))}
          />
          <Table
            caption={`Transmissions en échec ou en nouvel essai par commune et code d’erreur (${maxListed} lignes au plus, les plus récentes d’abord)`}
            rowHeaders
            size="sm"
            headers={[
              "Commune",
              "Code d’erreur",
              "Abandonnées",
              "En nouvel essai",
              "Tentatives (au plus)",
              "Prochain essai",
              "Dernière le",
            ]}
            rows={deliveryProblems.byCommune.map((group) => ({
              key: `${group.communeSiret}-${group.errorCode}`,
              cells: [
                `${group.communeName} (${group.communeSiret})`,
                <code key="e">{group.errorCode}</code>,
                number(group.failed),
                number(group.retrying),
                number(group.maxAttempts),
                group.nextAttemptAt ?? "—",
                group.lastAt ?? "—",
              ],
            }))}
          />
        </>
      ) : (
        <p>Aucune transmission en échec.</p>
      )}
    </>
  );
}
