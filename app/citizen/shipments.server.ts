import { eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { shipments, type Collectivity, type Shipment } from "../../db/schema/index.ts";
import { encryptJson } from "~/utils/encryption.server";
import type { ShipmentData } from "../formulaire-qf/types";
import type { PivotIdentity } from "~/domain/pivot-identity";
import type { QuotientFamilialData } from "~/domain/quotient-familial";
import {
  claimShipment,
  deliverClaimedShipment,
  shipmentAad,
  type DeliveryDeps,
  type DeliveryResult,
} from "./shipment-delivery.server";
import { newShipmentReference } from "./shipment-reference";

export interface NewShipment {
  collectivity: Collectivity;
  pivotIdentity: PivotIdentity;
  quotientFamilial: QuotientFamilialData;
  externalId: string | null;
  /** One per review page: a second POST of the same page returns the first shipment. */
  idempotencyKey: string;
}

/**
 * Stores the transmission durably (payload encrypted) before any call to HubEE.
 * Idempotent on the review page's key.
 */
export async function createShipment(db: Database, encryptionKey: Buffer, input: NewShipment): Promise<Shipment> {
  const [existing] = await db.select().from(shipments).where(eq(shipments.idempotencyKey, input.idempotencyKey));
  if (existing) return existing;
  const reference = newShipmentReference();
  const data: ShipmentData = {
    reference,
    externalId: input.externalId,
    collectivity: {
      name: input.collectivity.name,
      siret: input.collectivity.siret,
      codeCog: input.collectivity.codeCog,
    },
    pivotIdentity: input.pivotIdentity,
    quotientFamilial: input.quotientFamilial,
    createdAt: new Date().toISOString(),
  };
  const inserted = await db
    .insert(shipments)
    .values({
      reference,
      idempotencyKey: input.idempotencyKey,
      collectivityId: input.collectivity.id,
      payloadEncrypted: encryptJson(data, encryptionKey, shipmentAad(reference)),
    })
    .onConflictDoNothing({ target: shipments.idempotencyKey })
    .returning();
  if (inserted[0]) return inserted[0];
  // A concurrent submit of the same page won the race.
  const [winner] = await db.select().from(shipments).where(eq(shipments.idempotencyKey, input.idempotencyKey));
  return winner!;
}

/**
 * Tries to deliver at once so most citizens see "transmis"; past the budget the
 * attempt goes on in the background and the worker stays the fallback.
 */
export async function deliverNow(
  deps: DeliveryDeps,
  shipmentId: string,
  budgetMs = 8_000,
): Promise<DeliveryResult | "in_progress"> {
  const claimed = await claimShipment(deps, shipmentId);
  if (!claimed) return "not_claimed";
  const attempt = deliverClaimedShipment(deps, claimed);
  const timeout = new Promise<"in_progress">((resolve) => setTimeout(() => resolve("in_progress"), budgetMs).unref());
  return Promise.race([attempt, timeout]);
}

export async function findShipmentByReference(db: Database, reference: string): Promise<Shipment | null> {
  if (!/^[0-9A-F]{13}$/.test(reference)) return null;
  const [row] = await db.select().from(shipments).where(eq(shipments.reference, reference));
  return row ?? null;
}
