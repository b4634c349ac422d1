import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Button } from "~/components/dsfr/button";
import { FlashAlert } from "~/components/flash-alert";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { requireMembership } from "~/portal/access/access.server";
import { recordAudit } from "~/audit/audit.server";
import { formatBracketRange, MAX_TARIFF_BRACKETS, validateBrackets } from "~/portal/settings/tariff-brackets";
import { loadTariffBrackets, saveTariffBrackets } from "~/portal/settings/tariff-brackets.server";

export const meta: MetaFunction = () => [{ title: "Tranches de QF - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle = { breadcrumb: () => ({ label: "Tranches de QF" }) };

/** Empty rows offered under the saved ones: more rows need no JavaScript, only a save. */
const EMPTY_ROWS = 8;

type Row = { label: string; min: string; max: string };

const rowCount = (filled: number) => Math.min(MAX_TARIFF_BRACKETS, Math.max(filled + 3, EMPTY_ROWS));

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret, "admin");
  const brackets = await loadTariffBrackets(await getDatabase(), collectivity.id);
  const { flash, headers } = await readFlash(request);
  return data(
    {
      flash,
      brackets: brackets.map((b) => ({ label: b.label, range: formatBracketRange(b) })),
      rows: brackets.map((b): Row => ({
        label: b.label,
        min: String(b.min),
        max: b.max === null ? "" : String(b.max),
      })),
    },
    { headers },
  );
}

type ActionResult = { errors: Record<string, string>; rows: Row[] };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret, "admin");
  const form = await request.formData();
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value.slice(0, 200) : "";
  };
  // Rows are numbered label-0, min-0, max-0…; a forged form cannot make the loop run long.
  const rows: Row[] = [];
  for (let i = 0; i < MAX_TARIFF_BRACKETS + 1 && form.has(`label-${i}`); i++) {
    rows.push({ label: field(`label-${i}`), min: field(`min-${i}`), max: field(`max-${i}`) });
  }
  const { brackets, errors } = validateBrackets(rows);
  if (Object.keys(errors).length > 0) return data<ActionResult>({ errors, rows }, { status: 400 });
  const db = await getDatabase();
  await saveTariffBrackets(db, collectivity.id, brackets);
  await recordAudit(db, {
    actor: agent.id,
    collectivityId: collectivity.id,
    action: "tariff_brackets.updated",
    targetType: "collectivity",
    targetId: collectivity.id,
    requestId: context.requestId,
    details: { count: brackets.length },
  });
  return redirectWithFlash(new URL(request.url).pathname, { level: "success", message: "Tranches enregistrées." });
}

export default function TariffBrackets() {
  const { flash, brackets, rows: savedRows } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const typed = outcome ? outcome.rows : null;
  const errors: Record<string, string> = outcome?.errors ?? {};
  const source: Row[] = typed ?? savedRows;
  // Typed rows keep their positions (errors are keyed by them); trailing empty ones are not counted.
  const used = source.reduce((last, row, i) => (row.label || row.min || row.max ? i + 1 : last), 0);
  const rows: Row[] = Array.from({ length: rowCount(used) }, (_, i) => source[i] ?? { label: "", min: "", max: "" });
  const errorRows = Object.keys(errors).filter((key) => key !== "form").length;
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Tranches de quotient familial</h1>
      <p>
        Les tranches servent aux tarifs de la commune : chaque dossier affiche la tranche de la famille, et le rapport
        d’une mise à jour des QF liste les familles qui changent de tranche. Les tranches se suivent sans trou, de 0 à
        la dernière, qui peut rester sans maximum.
      </p>
      <FlashAlert flash={flash} />
      {errors.form || errorRows > 0 ? (
        <Alert
          type="error"
          small
          role="alert"
          className="fr-mb-3w"
          description={
            errors.form ??
            `${errorRows === 1 ? "Une tranche est à corriger" : `${errorRows} tranches sont à corriger`} : voir les messages sous les lignes concernées.`
          }
        />
      ) : null}
      {brackets.length > 0 ? (
        <p className="fr-text--sm">
          Tranches enregistrées : {brackets.map((b) => `${b.label} (${b.range})`).join(" ; ")}.
        </p>
      ) : (
        <p className="fr-text--sm">Aucune tranche n’est définie pour le moment.</p>
      )}
      <Form method="post" noValidate>
        {rows.map((row, i) => {
          const error = errors[String(i)];
          const errorId = `tranche-${i}-error`;
          const described = error ? errorId : undefined;
          return (
            <fieldset
              key={i}
              className={`fr-fieldset${error ? " fr-fieldset--error" : ""}`}
              aria-labelledby={`tranche-${i}-legende`}
            >
              <legend className="fr-fieldset__legend fr-text--regular fr-mb-0" id={`tranche-${i}-legende`}>
                Tranche {i + 1}
              </legend>
              <div className="fr-fieldset__element fr-fieldset__element--inline">
                <div className={`fr-input-group${error ? " fr-input-group--error" : ""}`}>
                  <label className="fr-label" htmlFor={`label-${i}`}>
                    Nom
                  </label>
                  <input
                    className="fr-input"
                    id={`label-${i}`}
                    name={`label-${i}`}
                    defaultValue={row.label}
                    maxLength={40}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={described}
                    autoComplete="off"
                  />
                </div>
              </div>
              <div className="fr-fieldset__element fr-fieldset__element--inline">
                <div className={`fr-input-group${error ? " fr-input-group--error" : ""}`}>
                  <label className="fr-label" htmlFor={`min-${i}`}>
                    QF minimum
                  </label>
                  <input
                    className="fr-input"
                    id={`min-${i}`}
                    name={`min-${i}`}
                    inputMode="numeric"
                    defaultValue={row.min}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={described}
                    autoComplete="off"
                  />
                </div>
              </div>
              <div className="fr-fieldset__element fr-fieldset__element--inline">
                <div className={`fr-input-group${error ? " fr-input-group--error" : ""}`}>
                  <label className="fr-label" htmlFor={`max-${i}`}>
                    QF maximum
                    <span className="fr-hint-text">Vide pour la dernière</span>
                  </label>
                  <input
                    className="fr-input"
                    id={`max-${i}`}
                    name={`max-${i}`}
                    inputMode="numeric"
                    defaultValue={row.max}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={described}
                    autoComplete="off"
                  />
                </div>
              </div>
              <div className="fr-messages-group" aria-live="polite">
                {error ? (
                  <p className="fr-message fr-message--error" id={errorId}>
                    {error}
                  </p>
                ) : null}
              </div>
            </fieldset>
          );
        })}
        <p className="fr-text--sm">
          Besoin de plus de lignes ? Enregistrez : de nouvelles lignes vides apparaissent (au plus {MAX_TARIFF_BRACKETS}{" "}
          tranches). Videz une ligne pour supprimer la tranche.
        </p>
        <Button type="submit" disabled={busy}>
          Enregistrer les tranches
        </Button>
      </Form>
    </div>
  );
}
