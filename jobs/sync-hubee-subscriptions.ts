import { syncHubeeSubscriptions } from "../app/onboarding/hubee-subscriptions.server.ts";
import { getServices } from "../app/services.server.ts";
import type { JobContext } from "./schedules.ts";

/** Which communes HubEE lets receive FormulaireQF, read again every hour. */
export async function syncHubeeSubscriptionsJob({ db }: JobContext) {
  return syncHubeeSubscriptions(db, getServices().hubeeSubscriptions);
}
