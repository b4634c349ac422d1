import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { Alert } from "~/components/dsfr/alert";
import { Badge } from "~/components/dsfr/badge";
import { Breadcrumb } from "~/components/dsfr/breadcrumb";
import { Button, ButtonsGroup } from "~/components/dsfr/button";
import { Pagination } from "~/components/dsfr/pagination";
import { Table } from "~/components/dsfr/table";
import { CampaignProgress } from "~/components/portal/campaign-progress";
import { formatQuotient } from "~/domain/format";
import { getDatabase } from "~/db.server";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { agentDisplayName } from "~/portal/access/agent-names.server";
import {
  CAMPAIGN_SCOPE_LABELS,
  CAMPAIGN_STATUS_LABELS,
  formatPeriod,
  ITEM_STATUS_LABELS,
  REPORT_LIST_HINTS,
  REPORT_LISTS,
  STOP_REASON_LABELS,
  type ReportList,
} from "~/portal/campaigns/campaign-labels";
import { listBracketChanges } from "~/portal/campaigns/campaign-portal.server";
import { loadCampaignProgressView, type CampaignProgressView } from "~/portal/campaigns/campaign-progress-view.server";
import {
  controlCampaign,
  getCampaignProgress,
  listCampaignItems,
  retryFailures,
} from "~/portal/campaigns/campaigns.server";
import { isUuid } from "~/portal/family-files/family-file.server";
import { formatDateTime } from "~/domain/paris-time";

export const meta: MetaFunction = () => [{ title: "Mise à jour des QF - Espace agents - Portail QF" }];

/** Rows per page of a report list: bounded, the lists of a big commune run into thousands. */
export const REPORT_PAGE_SIZE = 50;
const BRACKETS_LIST = "tranches";
type ListKey = ReportList | typeof BRACKETS_LIST;

const listOf = (value: string | null): ListKey =>
  value === BRACKETS_LIST || (REPORT_LISTS as readonly string[]).includes(value ?? "") ? (value as ListKey) : "updated";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret);
  if (!isUuid(params.campaignId)) throw notFound();
  const db = await getDatabase();
  const found = await loadCampaignProgressView(db, params.campaignId, collectivity.id);
  if (!found) throw notFound();
  const { campaign, view } = found;
  const byStatus = view.counts;
  const url = new URL(request.url);
  const list = listOf(url.searchParams.get("liste"));
  const page = Math.min(1000, Math.max(1, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1));
  const name = (familyName: string | null, givenNames: string | null) =>
    [familyName, givenNames].filter(Boolean).join(" ") || "Identité illisible";
  const qf = (value: number | null) => (value === null ? "—" : formatQuotient(value));
  const offset = (page - 1) * REPORT_PAGE_SIZE;
  const items =
    list === BRACKETS_LIST
      ? (
          await listBracketChanges(db, {
            campaignId: campaign.id,
            collectivityId: collectivity.id,
            limit: REPORT_PAGE_SIZE,
            offset,
          })
        ).rows.map((r) => ({
          familyId: r.familyId,
          name: name(r.familyName, r.givenNames),
          oldValue: qf(r.oldValue),
          newValue: qf(r.newValue),
          detail: `${r.oldBracket ?? "Aucune tranche"} → ${r.newBracket ?? "Aucune tranche"}`,
        }))
      : (
          await listCampaignItems(db, {
            campaignId: campaign.id,
            collectivityId: collectivity.id,
            status: list,
            limit: REPORT_PAGE_SIZE,
            offset,
          })
        ).map((r) => ({
          familyId: r.familyId,
          name: name(r.familyName, r.givenNames),
          oldValue: qf(r.oldValue),
          newValue: qf(r.newValue),
          detail: r.errorCode ? `Code ${r.errorCode}${r.attempts > 1 ? ` · ${r.attempts} essais` : ""}` : "",
        }));
  const listTotal = list === BRACKETS_LIST ? view.bracketChanges : byStatus[list];
  const open = byStatus.pending + byStatus.in_progress;
  const finished = campaign.status === "done" || campaign.status === "stopped";
  return {
    commune: { name: collectivity.name, siret: collectivity.siret },
    campaign: {
      id: campaign.id,
      status: campaign.status,
      scope: campaign.scope,
      trigger: campaign.trigger,
      // By name, as the journal does: « un agent » sent people to the journal to find out who.
      startedBy: campaign.trigger === "agent" ? await agentDisplayName(db, campaign.startedBy) : null,
      period: formatPeriod(campaign.annee, campaign.mois),
      startedAt: campaign.startedAt ? formatDateTime(campaign.startedAt) : null,
      finishedAt: campaign.finishedAt ? formatDateTime(campaign.finishedAt) : null,
      stopReason: campaign.stopReason,
      retryOf: campaign.retryOf,
    },
    live: view,
    list,
    page,
    pageCount: Math.max(1, Math.ceil(listTotal / REPORT_PAGE_SIZE)),
    listTotal,
    items,
    canRetry: finished && byStatus.failed + open > 0,
  };
}

type ActionResult = { level: "error" | "warning"; message: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret);
  if (!isUuid(params.campaignId)) throw notFound();
  const db = await getDatabase();
  const progress = await getCampaignProgress(db, params.campaignId, collectivity.id);
  if (!progress) throw notFound();
  const intent = (await request.formData()).get("intent");
  const self = `/portail/communes/${collectivity.siret}/campagnes/${progress.campaign.id}`;
  if (intent === "pause" || intent === "resume" || intent === "stop") {
    const row = await controlCampaign(db, {
      campaignId: progress.campaign.id,
      collectivityId: collectivity.id,
      agentId: agent.id,
      action: intent,
    });
    // Someone else (or the worker) changed it first: say so rather than pretend.
    if (!row) {
      return data<ActionResult>(
        { level: "warning", message: "La mise à jour a changé d’état entre-temps : voici son état actuel." },
        { status: 409 },
      );
    }
    return redirect(self);
  }
  if (intent === "retry") {
    const retry = await retryFailures(db, {
      campaignId: progress.campaign.id,
      collectivityId: collectivity.id,
      agentId: agent.id,
    });
    if (!retry) {
      return data<ActionResult>(
        { level: "warning", message: "Aucun dossier à relancer pour cette mise à jour." },
        { status: 409 },
      );
    }
    return redirect(`/portail/communes/${collectivity.siret}/campagnes/${retry.id}`);
  }
  return data<ActionResult>({ level: "error", message: "Action inconnue." }, { status: 400 });
}

const POLL_MS = 3_000;

export default function CampaignPage() {
  const loaderData = useLoaderData<typeof loader>();
  const { commune, campaign, list, page, pageCount, listTotal, items, canRetry } = loaderData;
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const revalidator = useRevalidator();
  const self = `/portail/communes/${commune.siret}/campagnes/${campaign.id}`;
  // With JavaScript the page polls its numbers alone (…/progression); without, "Actualiser" reloads it.
  const poll = useFetcher<CampaignProgressView>();
  const polled = poll.data?.campaignId === campaign.id ? poll.data : null;
  // The newer of the loader's numbers and the last poll's (an action's reload is newer than a poll).
  const live = polled && polled.asOf > loaderData.live.asOf ? polled : loaderData.live;
  const running = campaign.status === "running" || campaign.status === "pending";
  const load = useRef(poll.load);
  load.current = poll.load;
  const polling = poll.state !== "idle";
  const pollingRef = useRef(polling);
  pollingRef.current = polling;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (!pollingRef.current && document.visibilityState === "visible") load.current(`${self}/progression`);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [running, self]);
  // The campaign ended, paused or stopped meanwhile: reload the page for its report and buttons.
  const statusChanged = live.status !== campaign.status;
  useEffect(() => {
    if (statusChanged && revalidator.state === "idle") revalidator.revalidate();
  }, [statusChanged, revalidator]);
  const { progress, counts, bracketChanges } = live;
  const base = `/portail/communes/${commune.siret}`;
  const listHref = (key: ListKey, p = 1) => `?liste=${key}${p > 1 ? `&page=${p}` : ""}`;
  const lists: { key: ListKey; label: string; count: number }[] = [
    ...REPORT_LISTS.map((key) => ({ key, label: ITEM_STATUS_LABELS[key], count: counts[key] })),
    { key: BRACKETS_LIST, label: "Changement de tranche", count: bracketChanges },
  ];
  const currentLabel = lists.find((l) => l.key === list)!.label;
  const finished = campaign.status === "done" || campaign.status === "stopped";
  return (
    <div className="fr-container fr-my-4w">
      <Breadcrumb
        segments={[
          { label: "Espace agents", to: "/portail" },
          { label: commune.name, to: base },
          { label: "Mises à jour des QF", to: `${base}/campagnes` },
        ]}
        currentPageLabel={`Mise à jour de ${campaign.period}`}
      />
      <h1>Mise à jour des QF de {campaign.period}</h1>
      <div className="fr-mb-3w">
        <Badge small type={finished ? (campaign.status === "done" ? "success" : "warning") : "info"}>
          {CAMPAIGN_STATUS_LABELS[campaign.status]}
        </Badge>
        <p className="fr-mt-1w fr-mb-0">
          {CAMPAIGN_SCOPE_LABELS[campaign.scope]} ·{" "}
          {campaign.trigger === "cron"
            ? "lancée automatiquement"
            : campaign.startedBy
              ? `lancée par ${campaign.startedBy}`
              : "lancée par un agent dont le compte a été supprimé"}
          {campaign.startedAt ? ` le ${campaign.startedAt}` : ""}
          {campaign.finishedAt ? ` · terminée le ${campaign.finishedAt}` : ""}
          {campaign.retryOf ? (
            <>
              {" "}
              ·{" "}
              <Link to={`${base}/campagnes/${campaign.retryOf}`}>relance des échecs d’une mise à jour précédente</Link>
            </>
          ) : null}
        </p>
      </div>
      {campaign.status === "stopped" && campaign.stopReason ? (
        <Alert
          type={campaign.stopReason === "agent" ? "info" : "error"}
          small
          className="fr-mb-3w"
          description={`Mise à jour ${STOP_REASON_LABELS[campaign.stopReason] ?? "arrêtée"}.`}
        />
      ) : null}
      {actionData ? (
        <Alert type={actionData.level} small role="alert" className="fr-mb-3w" description={actionData.message} />
      ) : null}

      <section aria-labelledby="progression-titre">
        <h2 id="progression-titre">Progression</h2>
        <div aria-live="polite">
          <CampaignProgress
            done={progress.done}
            total={progress.total}
            rateText={progress.rateText}
            endText={progress.endText}
          />
        </div>
        <ButtonsGroup inline="sm" iconPosition="left">
          {campaign.status === "running" ? (
            <li>
              <Form method="post">
                <Button type="submit" name="intent" value="pause" priority="secondary" disabled={busy}>
                  Suspendre
                </Button>
              </Form>
            </li>
          ) : null}
          {campaign.status === "paused" ? (
            <li>
              <Form method="post">
                <Button type="submit" name="intent" value="resume" disabled={busy}>
                  Reprendre
                </Button>
              </Form>
            </li>
          ) : null}
          {!finished ? (
            <li>
              <Form method="post">
                <Button type="submit" name="intent" value="stop" priority="tertiary" disabled={busy}>
                  Arrêter
                </Button>
              </Form>
            </li>
          ) : null}
          {running ? (
            <li>
              <Link
                className="fr-btn fr-btn--tertiary-no-outline fr-icon-refresh-line fr-btn--icon-left"
                to={`${self}${listHref(list, page)}`}
              >
                Actualiser
              </Link>
            </li>
          ) : null}
          {canRetry ? (
            <li>
              <Form method="post">
                <Button type="submit" name="intent" value="retry" disabled={busy}>
                  Relancer les {(counts.failed + counts.pending + counts.in_progress).toLocaleString("fr-FR")} dossiers
                  en échec ou non traités
                </Button>
              </Form>
            </li>
          ) : null}
        </ButtonsGroup>
      </section>

      <section aria-labelledby="rapport-titre" className="fr-mt-4w">
        <h2 id="rapport-titre">{finished ? "Rapport" : "Résultats jusqu’ici"}</h2>
        <nav aria-label="Listes du rapport" className="fr-mb-2w">
          <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
            {lists.map((entry) => (
              <li key={entry.key}>
                <Link
                  to={listHref(entry.key)}
                  aria-current={list === entry.key ? "page" : undefined}
                  className={`fr-btn fr-btn--sm ${list === entry.key ? "" : "fr-btn--tertiary"}`}
                  data-testid={`report-${entry.key}`}
                >
                  {entry.label} ({entry.count.toLocaleString("fr-FR")})
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <p className="fr-text--sm">
          {list === BRACKETS_LIST
            ? "Familles dont le nouveau QF les fait changer de tranche tarifaire (tranches actuelles de la commune)."
            : REPORT_LIST_HINTS[list as ReportList]}
        </p>
        {items.length === 0 ? (
          <p>Aucune famille dans cette liste.</p>
        ) : (
          <>
            <Table
              caption={`${currentLabel} : ${listTotal.toLocaleString("fr-FR")} famille${listTotal > 1 ? "s" : ""}, page ${page} sur ${pageCount}`}
              size="sm"
              rowHeaders
              headers={["Famille", "QF avant", "QF après", list === BRACKETS_LIST ? "Tranche" : "Détail"]}
              rows={items.map((item) => ({
                key: item.familyId,
                cells: [
                  <Link key="f" to={`${base}/dossiers/${item.familyId}`}>
                    {item.name}
                  </Link>,
                  item.oldValue,
                  item.newValue,
                  item.detail || "—",
                ],
              }))}
            />
            <Pagination currentPage={page} pageCount={pageCount} pageHref={(p) => listHref(list, p)} />
          </>
        )}
      </section>
    </div>
  );
}
