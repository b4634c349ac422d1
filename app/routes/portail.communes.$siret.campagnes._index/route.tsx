import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Breadcrumb } from "~/components/dsfr/breadcrumb";
import { Button, ButtonLink } from "~/components/dsfr/button";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { Input } from "~/components/dsfr/input";
import { RadioGroup } from "~/components/dsfr/radio-group";
import { Select } from "~/components/dsfr/select";
import { Table } from "~/components/dsfr/table";
import { getDatabase } from "~/db.server";
import { forbidden, requireMembership } from "~/portal/access/access.server";
import { recordAudit } from "~/audit/audit.server";
import {
  ALERT_LABELS,
  CAMPAIGN_SCOPE_LABELS,
  CAMPAIGN_STATUS_LABELS,
  formatPeriod,
  MONTHS,
} from "~/portal/campaigns/campaign-labels";
import {
  loadCampaignSchedule,
  parseCampaignSchedule,
  saveCampaignSchedule,
} from "~/portal/campaigns/campaign-portal.server";
import { acknowledgeAlert, listCampaigns, listOpenAlerts } from "~/portal/campaigns/campaigns.server";
import { firstWorkingDayOfJanuary, parisDay, yearlyCampaignDay } from "~/portal/campaigns/yearly-date";
import { formatDateTime } from "~/domain/paris-time";

export const meta: MetaFunction = () => [{ title: "Mises à jour des QF - Espace agents - Portail QF" }];

const dayLabel = (isoDay: string) => {
  const [year, month, day] = isoDay.split("-").map(Number);
  return `${day === 1 ? "1er" : day} ${MONTHS[month! - 1]} ${year}`;
};

/** The next yearly run (from today, Paris), for the settings' hint. */
function nextRun(schedule: { day: number | null; month: number | null }, today: string): string {
  const year = Number(today.slice(0, 4));
  const chosen = schedule.day !== null && schedule.month !== null ? { day: schedule.day, month: schedule.month } : null;
  const thisYear = yearlyCampaignDay(year, chosen);
  return thisYear >= today ? thisYear : yearlyCampaignDay(year + 1, chosen);
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity, membership } = await requireMembership(request, params.siret);
  const db = await getDatabase();
  const [campaigns, alerts, schedule] = await Promise.all([
    listCampaigns(db, collectivity.id, 20),
    listOpenAlerts(db, collectivity.id),
    loadCampaignSchedule(db, collectivity.id),
  ]);
  const today = parisDay();
  return {
    commune: { name: collectivity.name, siret: collectivity.siret },
    isAdmin: membership.role === "admin",
    campaigns: campaigns.map((c) => ({
      id: c.id,
      period: formatPeriod(c.annee, c.mois),
      status: c.status,
      scope: c.scope,
      trigger: c.trigger,
      total: c.totalCount,
      startedAt: formatDateTime(c.startedAt ?? c.createdAt),
    })),
    alerts: alerts.map((a) => ({
      id: a.id,
      kind: a.kind,
      httpStatus: a.httpStatus,
      at: formatDateTime(a.createdAt),
      campaignId: a.campaignId,
    })),
    schedule,
    defaultDay: dayLabel(firstWorkingDayOfJanuary(Number(today.slice(0, 4)) + 1)),
    nextRun: schedule.mode === "aucune" ? null : dayLabel(nextRun(schedule, today)),
  };
}

type ActionResult = {
  section: "schedule" | "alert";
  ok: boolean;
  errors: Record<string, string>;
  values: Record<string, string>;
};

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity, membership } = await requireMembership(request, params.siret);
  // Both actions are the administrator's: the schedule is a setting, alerts are about the token.
  if (membership.role !== "admin") throw forbidden();
  const db = await getDatabase();
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "acquitter") {
    const alertId = text(form, "alertId");
    if (!/^[0-9a-f-]{36}$/i.test(alertId)) throw data("Alerte inconnue", { status: 400 });
    await acknowledgeAlert(db, { alertId, collectivityId: collectivity.id, agentId: agent.id });
    return { section: "alert", ok: true, errors: {}, values: {} } satisfies ActionResult;
  }
  if (intent === "calendrier") {
    const values = { mode: text(form, "mode"), day: text(form, "day"), month: text(form, "month") };
    const parsed = parseCampaignSchedule(values);
    if (!parsed.ok) {
      return data<ActionResult>({ section: "schedule", ok: false, errors: parsed.errors, values }, { status: 400 });
    }
    await saveCampaignSchedule(db, collectivity.id, parsed.schedule);
    await recordAudit(db, {
      actor: agent.id,
      collectivityId: collectivity.id,
      action: "settings.updated",
      targetType: "collectivity",
      targetId: collectivity.id,
      requestId: context.requestId,
      details: { section: "qf_campaign_schedule", ...parsed.schedule },
    });
    return { section: "schedule", ok: true, errors: {}, values: {} } satisfies ActionResult;
  }
  throw data("Action inconnue", { status: 400 });
}

/** The schedule's fields for its error summary: a link leads to the field, or to the first radio. */
const SCHEDULE_FIELDS = [
  { name: "mode", fieldId: "mode-defaut", label: "Date de la mise à jour annuelle" },
  { name: "day", fieldId: "day", label: "Jour" },
  { name: "month", fieldId: "month", label: "Mois" },
];

export default function Campaigns() {
  const { commune, isAdmin, campaigns, alerts, schedule, defaultDay, nextRun } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const base = `/portail/communes/${commune.siret}`;
  const scheduleOutcome = outcome?.section === "schedule" ? outcome : null;
  const typed: Record<string, string> | null = scheduleOutcome && !scheduleOutcome.ok ? scheduleOutcome.values : null;
  const scheduleErrors: Record<string, string> = scheduleOutcome?.errors ?? {};
  const mode = typed?.mode ?? schedule.mode;
  return (
    <div className="fr-container fr-my-4w">
      <Breadcrumb
        segments={[
          { label: "Espace agents", to: "/portail" },
          { label: commune.name, to: base },
        ]}
        currentPageLabel="Mises à jour des QF"
      />
      <h1>Mises à jour des quotients familiaux</h1>

      {alerts.map((alert) => (
        <div key={alert.id} className="fr-alert fr-alert--error fr-mb-3w" role="alert">
          <h2 className="fr-alert__title">Action requise : jeton API Particulier</h2>
          <p>
            {ALERT_LABELS[alert.kind] ?? "La mise à jour des QF a été arrêtée."}
            {alert.httpStatus ? ` (réponse ${alert.httpStatus})` : ""} — le {alert.at}.{" "}
            {isAdmin ? (
              <Link to={`${base}/parametres`}>Renouveler le jeton dans les paramètres</Link>
            ) : (
              "Prévenez un administrateur de la commune."
            )}
            {alert.campaignId ? (
              <>
                {" · "}
                <Link to={`${base}/campagnes/${alert.campaignId}`}>Voir la mise à jour arrêtée</Link>
              </>
            ) : null}
          </p>
          {isAdmin ? (
            <Form method="post" className="fr-mt-1w">
              <input type="hidden" name="alertId" value={alert.id} />
              <Button type="submit" name="intent" value="acquitter" size="sm" priority="secondary" disabled={busy}>
                J’ai pris connaissance de cette alerte
              </Button>
            </Form>
          ) : null}
        </div>
      ))}

      <p>
        Une mise à jour interroge à nouveau la CAF et la MSA (API Particulier) pour chaque famille, avec l’identité
        transmise par la famille, et enregistre son quotient familial de la période choisie.
      </p>
      <ButtonLink to={`${base}/campagnes/nouvelle?portee=tous`} icon="fr-icon-refresh-line" className="fr-mb-1w">
        Mettre à jour les QF de tous les dossiers
      </ButtonLink>
      <p className="fr-text--sm">
        Pour une recherche ou quelques dossiers, partez de la <Link to={`${base}/dossiers`}>liste des dossiers</Link>.
      </p>

      <section className="fr-mt-4w" aria-labelledby="historique-titre">
        <h2 id="historique-titre">Mises à jour</h2>
        {campaigns.length === 0 ? (
          <p>Aucune mise à jour pour le moment.</p>
        ) : (
          <Table
            caption="Les 20 dernières mises à jour, de la plus récente à la plus ancienne"
            hideCaption
            size="sm"
            rowHeaders
            headers={["Période", "Lancée le", "Dossiers", "Familles", "État", "Origine"]}
            rows={campaigns.map((c) => ({
              key: c.id,
              cells: [
                <Link key="p" to={`${base}/campagnes/${c.id}`}>
                  {c.period}
                </Link>,
                c.startedAt,
                CAMPAIGN_SCOPE_LABELS[c.scope],
                c.total.toLocaleString("fr-FR"),
                CAMPAIGN_STATUS_LABELS[c.status],
                c.trigger === "cron" ? "Automatique" : "Agent",
              ],
            }))}
          />
        )}
      </section>

      <section className="fr-mt-6w" aria-labelledby="calendrier-titre">
        <h2 id="calendrier-titre">Mise à jour annuelle automatique</h2>
        <p>
          {schedule.mode === "aucune"
            ? "Aucune mise à jour automatique n’est programmée."
            : `Prochaine mise à jour automatique de tous les dossiers : le ${nextRun}, à 6 h (heure de Paris).`}
        </p>
        {isAdmin ? (
          <>
            {scheduleOutcome?.ok ? (
              <Alert type="success" small role="status" className="fr-mb-3w" description="Calendrier enregistré." />
            ) : null}
            <ErrorSummary
              titleAs="h3"
              className="fr-mb-3w"
              items={SCHEDULE_FIELDS.filter((f) => scheduleErrors[f.name]).map(({ name, fieldId, label }) => ({
                fieldId,
                label,
                message: scheduleErrors[name] ?? "",
              }))}
            />
            <Form method="post" className="fr-col-12 fr-col-md-8 fr-px-0" key={scheduleOutcome?.ok ? "saved" : "form"}>
              <RadioGroup
                name="mode"
                legend="Quand la mise à jour annuelle a-t-elle lieu ?"
                options={[
                  {
                    value: "defaut",
                    label: `Le premier jour ouvré de janvier (par défaut ; en ${defaultDay.slice(-4)} : le ${defaultDay})`,
                  },
                  { value: "date", label: "À une autre date, chaque année" },
                  { value: "aucune", label: "Pas de mise à jour automatique" },
                ]}
                defaultValue={mode}
                error={scheduleErrors.mode}
              />
              <div className="fr-grid-row fr-grid-row--gutters">
                <Input
                  className="fr-col-4 fr-col-md-3"
                  name="day"
                  label="Jour"
                  hint="De 1 à 28"
                  inputMode="numeric"
                  defaultValue={typed?.day ?? (schedule.day !== null ? String(schedule.day) : "")}
                  error={scheduleErrors.day}
                  autoComplete="off"
                />
                <Select
                  className="fr-col-8 fr-col-md-5"
                  name="month"
                  label="Mois"
                  hint="Pour « À une autre date »"
                  placeholder="Choisir un mois"
                  options={MONTHS.map((label, index) => ({ value: String(index + 1), label }))}
                  defaultValue={typed?.month ?? (schedule.month !== null ? String(schedule.month) : "")}
                  error={scheduleErrors.month}
                />
              </div>
              <Button type="submit" name="intent" value="calendrier" disabled={busy}>
                Enregistrer le calendrier
              </Button>
            </Form>
          </>
        ) : null}
      </section>
    </div>
  );
}
