import { useFetcher, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { CampaignProgressView } from "~/portal/campaigns/campaign-progress-view.server";

const POLL_MS = 3_000;

/**
 * The campaign's live numbers. With JavaScript the page polls them alone (…/progression) while
 * the campaign runs; without, "Actualiser" reloads the page. Returns the newer of the loader's
 * numbers and the last poll's (an action's reload is newer than a poll).
 */
export function useLiveProgress(
  campaign: { id: string; status: CampaignProgressView["status"] },
  loaded: CampaignProgressView,
  pageHref: string,
): CampaignProgressView {
  const revalidator = useRevalidator();
  const poll = useFetcher<CampaignProgressView>();
  const polled = poll.data?.campaignId === campaign.id ? poll.data : null;
  const live = polled && polled.asOf > loaded.asOf ? polled : loaded;
  const running = campaign.status === "running" || campaign.status === "pending";
  const load = useRef(poll.load);
  load.current = poll.load;
  const pollingRef = useRef(false);
  pollingRef.current = poll.state !== "idle";
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (!pollingRef.current && document.visibilityState === "visible") load.current(`${pageHref}/progression`);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [running, pageHref]);
  // The campaign ended, paused or stopped meanwhile: reload the page for its report and buttons.
  const statusChanged = live.status !== campaign.status;
  useEffect(() => {
    if (statusChanged && revalidator.state === "idle") revalidator.revalidate();
  }, [statusChanged, revalidator]);
  return live;
}
