import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { CampaignProgress } from "~/components/portal/campaign-progress";
import { FlashAlert } from "~/components/flash-alert";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { getCampaignProgress } from "~/portal/campaigns/campaigns.server";
import { isUuid } from "~/portal/family-files/family-file.server";
import { performCampaignAction } from "./campaign-action.server";
import { CampaignControls } from "./campaign-controls";
import { loadCampaignPage, type CampaignPage } from "./campaign-page.server";
import { CampaignPriceChanges } from "./campaign-price-changes";
import { CampaignReport } from "./campaign-report";
import { CampaignSummary } from "./campaign-summary";
import { listHref } from "./report-lists";
import { useLiveProgress } from "./use-live-progress";

export const meta: MetaFunction = () => [{ title: "Mise à jour des QF - Espace agents - Portail QF" }];

const campaignsHref = (siret: string) => `/portail/communes/${siret}/campagnes`;

export const handle: BreadcrumbHandle<CampaignPage> = {
  breadcrumb: ({ data, params }) => [
    { label: "Mises à jour des QF", to: campaignsHref(params.siret ?? "") },
    { label: data ? `Mise à jour de ${data.campaign.period}` : "Mise à jour" },
  ],
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret);
  if (!isUuid(params.campaignId)) throw notFound();
  const db = await getDatabase();
  const page = await loadCampaignPage(db, { campaignId: params.campaignId, collectivity, url: new URL(request.url) });
  if (!page) throw notFound();
  const { flash, headers } = await readFlash(request);
  return data({ ...page, flash }, { headers });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret);
  if (!isUuid(params.campaignId)) throw notFound();
  const db = await getDatabase();
  if (!(await getCampaignProgress(db, params.campaignId, collectivity.id))) throw notFound();
  const outcome = await performCampaignAction(db, {
    campaignId: params.campaignId,
    collectivityId: collectivity.id,
    agentId: agent.id,
    form: await request.formData(),
  });
  if (!outcome.ok) return data({ level: outcome.level, message: outcome.message }, { status: outcome.status });
  // Post/Redirect/Get: the page (a retry's is the new campaign's) is read after the change.
  return redirectWithFlash(`${campaignsHref(collectivity.siret)}/${outcome.campaignId}`, outcome.flash);
}

export default function CampaignPageView() {
  const loaded = useLoaderData<typeof loader>();
  const { commune, campaign, list, page, flash } = loaded;
  const refused = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const self = `${campaignsHref(commune.siret)}/${campaign.id}`;
  const live = useLiveProgress(campaign, loaded.live, self);
  const { progress } = live;
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Mise à jour des QF de {campaign.period}</h1>
      <CampaignSummary campaign={campaign} campaignsHref={campaignsHref(commune.siret)} />
      <FlashAlert flash={flash} />
      {refused ? (
        <Alert type={refused.level} small role="alert" className="fr-mb-3w" description={refused.message} />
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
        <CampaignControls
          status={campaign.status}
          counts={live.counts}
          canRetry={loaded.canRetry}
          refreshHref={`${self}${listHref(list, page)}`}
          busy={busy}
        />
      </section>

      <CampaignReport
        finished={campaign.status === "done" || campaign.status === "stopped"}
        live={live}
        list={list}
        page={page}
        pageCount={loaded.pageCount}
        listTotal={loaded.listTotal}
        items={loaded.items}
        fileBase={`/portail/communes/${commune.siret}/dossiers`}
      />
      <CampaignPriceChanges services={loaded.priceChanges} fileBase={`/portail/communes/${commune.siret}/dossiers`} />
    </div>
  );
}
