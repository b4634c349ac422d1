import { inArray, notInArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { collectivities } from "../../db/schema/index.ts";
import { HubeeError } from "~/integrations/hubee/errors.server";
import { ACTIVE_SUBSCRIPTION, type HubeeSubscriptionReader } from "~/integrations/hubee/subscriptions.server";
import { logger } from "~/utils/logger.server";

export interface SubscriptionSync {
  active: number;
  absent: number;
}

/**
 * Reads from HubEE which communes have an active FormulaireQF subscription and records it on each
 * commune: one that has none is not offered the FranceConnect button (HubEE would refuse what the
 * citizen sends), and the platform administrators see it. A failed read changes nothing.
 */
export async function syncHubeeSubscriptions(
  db: Database,
  reader: HubeeSubscriptionReader,
  now = new Date(),
): Promise<SubscriptionSync> {
  const subscribers = await reader.formulaireQfSubscribers();
  const active = [...subscribers].filter(([, status]) => status === ACTIVE_SUBSCRIPTION).map(([siret]) => siret);
  return db.transaction(async (t) => {
    const subscribed = active.length
      ? await t
          .update(collectivities)
          .set({ hubeeSubscription: "active", hubeeSubscriptionCheckedAt: now })
          .where(inArray(collectivities.siret, active))
          .returning({ id: collectivities.id })
      : [];
    const unsubscribed = await t
      .update(collectivities)
      .set({ hubeeSubscription: "absent", hubeeSubscriptionCheckedAt: now })
      .where(active.length ? notInArray(collectivities.siret, active) : sql`true`)
      .returning({ id: collectivities.id });
    const counts = { active: subscribed.length, absent: unsubscribed.length };
    logger.info(counts, "abonnements HubEE FormulaireQF relus");
    return counts;
  });
}

/** The sync asked from the platform page, in French: HubEE down is said, not thrown. */
export async function syncSubscriptionsFromPage(
  db: Database,
  reader: HubeeSubscriptionReader,
): Promise<{ ok: boolean; message: string }> {
  try {
    const { active, absent } = await syncHubeeSubscriptions(db, reader);
    return {
      ok: true,
      message: `Abonnements HubEE relus : ${active} commune(s) abonnée(s) à FormulaireQF, ${absent} sans abonnement actif.`,
    };
  } catch (error) {
    if (!(error instanceof HubeeError)) throw error;
    return {
      ok: false,
      message: "HubEE n’a pas répondu : les abonnements n’ont pas été relus. Réessayez dans un instant.",
    };
  }
}
