import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { getDatabase } from "~/db.server";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { loadCampaignProgressView } from "~/portal/campaigns/campaign-progress-view.server";
import { isUuid } from "~/portal/family-files/family-file.server";

/**
 * The campaign page's live numbers, polled every few seconds while a campaign runs: the counts
 * only, where revalidating the page would also sort the report's list by name at each poll.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret);
  if (!isUuid(params.campaignId)) throw notFound();
  const found = await loadCampaignProgressView(await getDatabase(), params.campaignId, collectivity.id);
  if (!found) throw notFound();
  // data(), not a Response: with single fetch, the page's fetcher gets it encoded for Remix.
  return data(found.view, { headers: { "Cache-Control": "no-store" } });
}
