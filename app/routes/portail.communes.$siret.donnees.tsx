import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Alert } from "~/components/dsfr/alert";
import { Button } from "~/components/dsfr/button";
import { Input } from "~/components/dsfr/input";
import { Table } from "~/components/dsfr/table";
import { FlashAlert } from "~/components/flash-alert";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { parseForm } from "~/forms/parse-form";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { requireMembership } from "~/portal/access/access.server";
import { AUDIT_ACTION_LABELS } from "~/audit/audit-actions";
import {
  countExpiredFamilyFiles,
  getRetentionSetting,
  listRecentDeletions,
  saveRetentionSetting,
} from "~/portal/family-files/family-retention.server";
import { formatDate, formatDateTime } from "~/domain/paris-time";
import { parseRetentionYears } from "~/portal/family-files/family-retention";
import {
  FAMILY_FILE_RETENTION_DEFAULT_YEARS,
  FAMILY_FILE_RETENTION_MAX_YEARS,
  FAMILY_FILE_RETENTION_MIN_YEARS,
  formatYears,
} from "~/retention-periods";

export const meta: MetaFunction = () => [{ title: "Conservation des données - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle = { breadcrumb: () => ({ label: "Conservation des données" }) };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret, "admin");
  const db = await getDatabase();
  const setting = await getRetentionSetting(db, collectivity.id);
  const deletions = await listRecentDeletions(db, collectivity.id);
  const { flash, headers } = await readFlash(request);
  return data(
    {
      flash,
      commune: { name: collectivity.name, siret: collectivity.siret },
      setting: {
        years: setting.years,
        chosen: setting.chosen,
        updatedOn: setting.updatedAt ? formatDate(setting.updatedAt) : null,
      },
      expiredNow: await countExpiredFamilyFiles(db, collectivity.id),
      // Set by the erasure page's redirect: the file is gone, so its confirmation is shown here.
      justErased: new URL(request.url).searchParams.get("dossier-supprime") === "1",
      deletions: deletions.map((event) => ({
        id: event.id,
        when: formatDateTime(event.occurredAt),
        label: AUDIT_ACTION_LABELS[event.action] ?? event.action,
        families: typeof event.details.families === "number" ? event.details.families : 0,
      })),
    },
    { headers },
  );
}

/** The form's one field, checked by parseRetentionYears whether or not the browser enforced min and max. */
const retentionFormSchema = z.object({
  familyFileRetentionYears: z.unknown().transform((raw, ctx) => {
    const parsed = parseRetentionYears(raw);
    if (parsed.ok) return parsed.years;
    ctx.addIssue({ code: "custom", message: parsed.error });
    return z.NEVER;
  }),
});

type ActionResult = { ok: false; error: string; value: string };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret, "admin");
  const form = parseForm(retentionFormSchema, await request.formData());
  if (!form.success) {
    const value = (form.values.familyFileRetentionYears ?? "").slice(0, 20);
    const error = form.errors.familyFileRetentionYears ?? Object.values(form.errors)[0] ?? "";
    return data<ActionResult>({ ok: false, error, value }, { status: 400 });
  }
  const years = form.data.familyFileRetentionYears;
  const { changed } = await saveRetentionSetting(await getDatabase(), {
    collectivityId: collectivity.id,
    actor: agent.id,
    requestId: context.requestId,
    years,
  });
  return redirectWithFlash(new URL(request.url).pathname, {
    level: "success",
    message: changed
      ? `Durée de conservation enregistrée : ${formatYears(years)}.`
      : `La durée de conservation reste de ${formatYears(years)}.`,
  });
}

export default function DataRetention() {
  const { flash, commune, setting, expiredNow, justErased, deletions } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const base = `/portail/communes/${commune.siret}`;
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Conservation des données</h1>
      {/* At the top: the page reloads after a save (Post/Redirect/Get), scrolled to the top. */}
      <FlashAlert flash={flash} />
      {justErased ? (
        <Alert
          type="success"
          small
          role="status"
          className="fr-mb-3w"
          description="Le dossier a été supprimé, avec son historique, ses pièces jointes et sa note interne. Le journal garde la trace de la suppression, sans donnée personnelle."
        />
      ) : null}
      <p>
        Les dossiers familiaux reçus par la commune contiennent des données personnelles : ils ne sont gardés que le
        temps nécessaire au calcul des tarifs. La commune est responsable de cette durée, annoncée aux familles sur la
        page <Link to="/donnees-personnelles">Données personnelles</Link>.
      </p>

      <section className="fr-mt-4w" aria-labelledby="duree-titre">
        <h2 id="duree-titre">Durée de conservation des dossiers</h2>
        <p>
          Un dossier qui ne reçoit <strong>aucun nouveau quotient familial</strong> (ni transmission de la famille, ni
          mise à jour annuelle) pendant cette durée est supprimé automatiquement, chaque nuit, avec tout ce qui s’y
          rattache. Sans choix de la commune, la durée est de {formatYears(FAMILY_FILE_RETENTION_DEFAULT_YEARS)}.
        </p>
        <p data-testid="duree-actuelle">
          Durée actuelle : <strong>{formatYears(setting.years)}</strong>
          {setting.chosen ? ` (choisie le ${setting.updatedOn ?? "—"})` : " (durée par défaut)"}.{" "}
          {expiredNow === 0
            ? "Aucun dossier n’a dépassé cette durée."
            : `${expiredNow} dossier${expiredNow > 1 ? "s ont" : " a"} dépassé cette durée et ${expiredNow > 1 ? "seront supprimés" : "sera supprimé"} lors de la prochaine purge.`}
        </p>
        {outcome ? (
          <Alert
            type="error"
            small
            announce
            className="fr-mb-2w"
            description={`La durée n’a pas été enregistrée. ${outcome.error}`}
          />
        ) : null}
        <Form method="post" className="fr-col-12 fr-col-md-6 fr-px-0">
          <Input
            name="familyFileRetentionYears"
            type="number"
            inputMode="numeric"
            min={FAMILY_FILE_RETENTION_MIN_YEARS}
            max={FAMILY_FILE_RETENTION_MAX_YEARS}
            step={1}
            required
            label="Durée de conservation, en années"
            hint={`Un nombre entier entre ${FAMILY_FILE_RETENTION_MIN_YEARS} et ${FAMILY_FILE_RETENTION_MAX_YEARS}.`}
            defaultValue={outcome ? outcome.value : String(setting.years)}
            error={outcome?.error}
          />
          <Button type="submit" disabled={busy}>
            Enregistrer
          </Button>
        </Form>
      </section>

      <section className="fr-mt-6w" aria-labelledby="effacement-titre">
        <h2 id="effacement-titre">Supprimer un dossier à la demande d’une famille</h2>
        <p>
          Une famille peut demander l’effacement de ses données (article 17 du RGPD). Un administrateur le fait depuis
          la fiche du dossier, avec le bouton « Supprimer le dossier » : la suppression est définitive et comprend
          l’historique des quotients familiaux, les pièces jointes, les statuts, la note interne et les mises à jour
          annuelles en cours. Les exports déjà téléchargés restent sous la responsabilité de la commune.
        </p>
        <p>
          <Link className="fr-link" to={`${base}/dossiers`}>
            Aller aux dossiers
          </Link>
        </p>
      </section>

      <section className="fr-mt-6w" aria-labelledby="suppressions-titre">
        <h2 id="suppressions-titre">Dernières suppressions</h2>
        {deletions.length === 0 ? (
          <p>Aucun dossier n’a encore été supprimé.</p>
        ) : (
          <Table
            caption="Dernières suppressions de dossiers, les plus récentes d’abord"
            size="sm"
            headers={["Date", "Suppression", "Dossiers supprimés"]}
            rows={deletions.map((d) => ({ key: String(d.id), cells: [d.when, d.label, String(d.families)] }))}
          />
        )}
        <p>
          Le détail figure dans le <Link to={`${base}/journal`}>journal</Link>.
        </p>
      </section>
    </div>
  );
}
