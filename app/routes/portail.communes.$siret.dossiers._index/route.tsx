import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Button } from "~/components/dsfr/button";
import { FlashAlert } from "~/components/flash-alert";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { requireMembership } from "~/portal/access/access.server";
import { inboxRangeErrors, parseInboxQuery, type InboxQuery } from "~/portal/dossiers/dossier-list-query";
import { InboxFilters } from "./inbox-filters";
import { inboxLinks, isFiltered } from "./inbox-links";
import { EmptyInbox, InboxList } from "./inbox-list";
import { PollProblemAlert, QfChangesCallout, StoppedCampaignAlert } from "./inbox-notices";
import { loadInboxPage } from "./inbox-page.server";
import { InboxTabs } from "./inbox-tabs";
import { pollInboxNow, type PollProblem } from "./poll-inbox.server";

export const meta: MetaFunction = () => [{ title: "Dossiers - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle = { breadcrumb: () => ({ label: "Dossiers" }) };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret);
  const query = parseInboxQuery(new URL(request.url).searchParams);
  const page = await loadInboxPage(await getDatabase(), collectivity.id, query);
  const { flash, headers } = await readFlash(request);
  return data({ commune: { name: collectivity.name, siret: collectivity.siret }, query, flash, ...page }, { headers });
}

/** "Relever maintenant": back to the same list (its filters kept) with what came in. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity, membership } = await requireMembership(request, params.siret);
  const form = await request.formData();
  if (form.get("intent") !== "relever") {
    return data<PollProblem>({ level: "error", message: "Action inconnue." }, { status: 400 });
  }
  const outcome = await pollInboxNow(await getDatabase(), {
    agentId: agent.id,
    collectivityId: collectivity.id,
    isAdmin: membership.role === "admin",
    requestId: context.requestId,
  });
  if ("problem" in outcome) return outcome.problem;
  const list = new URL(request.url);
  list.searchParams.delete("index");
  return redirectWithFlash(`${list.pathname}${list.search}`, outcome.flash);
}

export default function Inbox() {
  const {
    commune,
    flash,
    total,
    pageCount,
    counts,
    rows,
    hasBrackets,
    openAlerts,
    lastChanges,
    services,
    unknownPriceService,
    priceColumns,
    ...loaded
  } = useLoaderData<typeof loader>();
  const query = loaded.query as InboxQuery;
  const problem = useActionData<typeof action>();
  const navigation = useNavigation();
  const polling = navigation.state !== "idle" && navigation.formData?.get("intent") === "relever";
  const links = inboxLinks(commune.siret, query);
  const filtered = isFiltered(query);
  const rangeErrors = inboxRangeErrors(query);

  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters">
        <div className="fr-col">
          <h1>Dossiers reçus</h1>
        </div>
        <div className="fr-col-auto">
          <Form method="post">
            <input type="hidden" name="intent" value="relever" />
            <Button type="submit" priority="secondary" icon="fr-icon-refresh-line" disabled={polling}>
              {polling ? "Relevé en cours…" : "Relever maintenant"}
            </Button>
          </Form>
        </div>
      </div>
      <FlashAlert flash={flash} />
      {problem ? <PollProblemAlert problem={problem} siret={commune.siret} /> : null}
      {openAlerts > 0 ? <StoppedCampaignAlert siret={commune.siret} /> : null}
      {lastChanges ? <QfChangesCallout changes={lastChanges} siret={commune.siret} /> : null}
      <InboxTabs query={query} links={links} counts={counts} />
      <InboxFilters
        query={query}
        links={links}
        filtered={filtered}
        rangeErrors={rangeErrors}
        services={services}
        unknownPriceService={unknownPriceService}
      />
      {rows.length === 0 ? (
        <EmptyInbox query={query} filtered={filtered} rangeError={Object.keys(rangeErrors).length > 0} />
      ) : (
        <InboxList
          siret={commune.siret}
          rows={rows}
          total={total}
          pageCount={pageCount}
          hasBrackets={hasBrackets}
          priceColumns={priceColumns}
          query={query}
          links={links}
          filtered={filtered}
        />
      )}
      <Alert
        type="info"
        small
        className="fr-mt-4w"
        description="Chaque consultation de dossier est inscrite au journal de la commune."
      />
    </div>
  );
}
