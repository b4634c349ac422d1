import { z } from "zod";
import type { HubeeClient } from "./client.server";
import { FORMULAIRE_QF_PROCESS_CODE } from "./sender.server";

/** HubEE's label for an active subscription. */
export const ACTIVE_SUBSCRIPTION = "Actif";

const PAGE_SIZE = 100;
/** 36,000 communes in pages of 100, with room: a listing that never ends is a fault, not data. */
const MAX_PAGES = 1_000;

const subscription = z.object({
  processCode: z.string(),
  status: z.string().nullish(),
  subscriber: z.object({ type: z.string(), companyRegister: z.string() }),
});

/**
 * HubEE's referential API as the sender (OSL) reads it: which SIs are subscribed to FormulaireQF.
 * HubEE refuses a folder for a commune without an active subscription, so this tells in advance
 * which communes can receive what citizens send.
 */
export function createHubeeSubscriptionReader(client: HubeeClient) {
  return {
    /** SIRET → subscription status of every SI subscribed to FormulaireQF (any status). */
    async formulaireQfSubscribers(): Promise<Map<string, string>> {
      const bySiret = new Map<string, string>();
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = new URLSearchParams({
          processCode: FORMULAIRE_QF_PROCESS_CODE,
          offSet: String(page * PAGE_SIZE),
          maxResult: String(PAGE_SIZE),
          // A stable order, so that pages neither skip nor repeat a subscription.
          orderBy: "asc(id)",
        });
        const rows = z
          .array(z.unknown())
          .parse((await client.requestJson<unknown>({ method: "GET", path: `/subscriptions?${query}` })) ?? []);
        for (const row of rows) {
          const parsed = subscription.safeParse(row);
          if (!parsed.success || parsed.data.subscriber.type !== "SI") continue;
          if (parsed.data.processCode !== FORMULAIRE_QF_PROCESS_CODE) continue;
          const siret = parsed.data.subscriber.companyRegister;
          const status = parsed.data.status ?? "inconnu";
          // Several subscriptions for one SIRET (an old one ended, a new one active): active wins.
          if (bySiret.get(siret) !== ACTIVE_SUBSCRIPTION) bySiret.set(siret, status);
        }
        if (rows.length < PAGE_SIZE) return bySiret;
      }
      throw new Error("HubEE subscription listing did not end");
    },
  };
}

export type HubeeSubscriptionReader = ReturnType<typeof createHubeeSubscriptionReader>;
