import type { DbExecutor } from "../../../db/client.ts";
import type { InboxRunCounts } from "../../../db/schema/index.ts";
import type { HubeeReceiver } from "~/integrations/hubee/receiver.server";

/** What every step of one commune's inbox run shares. */

export type IngestionCounts = InboxRunCounts;

export interface InboxCollectivity {
  id: string;
  /** Used in the author of the status events sent to HubEE. */
  name?: string;
}

export interface IngestionOptions {
  /** Author of the status events (default "Portail QF"). */
  author?: string;
  now?: () => Date;
}

export interface InboxRun {
  db: DbExecutor;
  receiver: HubeeReceiver;
  collectivity: InboxCollectivity;
  author: string;
  now: () => Date;
  counts: IngestionCounts;
}
