import { and, isNotNull, lt, or, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { shipments } from "../../db/schema/index.ts";
import { CITIZEN_HUBEE_IDS_RETENTION_DAYS, CITIZEN_PAYLOAD_RETENTION_DAYS } from "../retention-periods.ts";

/** Stated retention of the form (/donnees-personnelles reads the same constants): payloads, HubEE ids after a final status. */
export const PAYLOAD_RETENTION_DAYS = CITIZEN_PAYLOAD_RETENTION_DAYS;
export const HUBEE_IDS_RETENTION_DAYS = CITIZEN_HUBEE_IDS_RETENTION_DAYS;

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000);

/** Erases personal payloads and stale HubEE identifiers; returns counts only. */
export async function purgeCitizenData(db: Database, now = new Date()) {
  const payloads = await db
    .update(shipments)
    .set({ payloadEncrypted: null, payloadPurgedAt: now })
    .where(
      and(
        isNotNull(shipments.payloadEncrypted),
        or(eq(shipments.status, "delivered"), lt(shipments.createdAt, daysBefore(now, PAYLOAD_RETENTION_DAYS))),
      ),
    )
    .returning({ id: shipments.id });
  // A purged payload can no longer be delivered: stop retrying it.
  const abandoned = await db
    .update(shipments)
    .set({ status: "failed", failedAt: now, lastError: "Délai de conservation dépassé avant livraison" })
    .where(and(eq(shipments.status, "pending"), sql`${shipments.payloadEncrypted} is null`))
    .returning({ id: shipments.id });
  const hubeeIds = await db
    .update(shipments)
    .set({ hubeeFolderId: null, hubeeCaseId: null, hubeeIdsPurgedAt: now })
    .where(
      and(isNotNull(shipments.hubeeFolderId), lt(shipments.finalStatusAt, daysBefore(now, HUBEE_IDS_RETENTION_DAYS))),
    )
    .returning({ id: shipments.id });
  return { payloads: payloads.length, abandoned: abandoned.length, hubeeIds: hubeeIds.length };
}
