import { and, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { retryOnDeadlock } from "../../db/deadlock-retry.ts";
import { shipments, type Shipment } from "../../db/schema/index.ts";
import { HubeeError } from "~/integrations/hubee/errors.server";
import type { CreatedFolder, HubeeSender } from "~/integrations/hubee/sender.server";
import { backoffDelay, type BackoffOptions } from "~/integrations/http.server";
import { decryptJson } from "~/utils/encryption.server";
import { logger } from "~/utils/logger.server";
import { safeErrorMessage } from "~/utils/safe-error";
import { buildAttachments } from "../formulaire-qf/index";
import type { ShipmentData } from "../formulaire-qf/types";
import { hubeeExternalId } from "./shipment-reference";

/**
 * Delivers shipments to HubEE from the outbox. The shipment row is the source
 * of truth: a folder id is recorded as soon as HubEE gives one, so a retry
 * (after a crash or a fault) deletes the half-created folder before creating a
 * new one, and a retry never leaves a second folder at the commune. Giving up
 * deletes the half-created folder too. Every write is guarded by the attempt's
 * lease, so an attempt that outlived it cannot undo another worker's delivery.
 * HubEE v1 cannot find a folder by externalId: when POST /folders ends without
 * a usable answer, HubEE may keep a folder that is never completed, hence never
 * notified to the commune (docs/decisions/009-hubee-folder-creation-ambiguity.md).
 */

export interface DeliveryDeps {
  db: Database;
  sender: HubeeSender;
  encryptionKey: Buffer;
  now?: () => Date;
  backoff?: BackoffOptions;
  /** How long one delivery may hold its shipment before another process may take it over. */
  leaseMs?: number;
}

/** Give up after about 2 days of retries (the last delays are capped at 1 h). */
export const DELIVERY_BACKOFF: BackoffOptions = { attempts: 60, baseDelayMs: 5_000, maxDelayMs: 3_600_000 };
const DEFAULT_LEASE_MS = 120_000;

/** lease_lost: the attempt outlived its lease and another worker took the shipment over; it changed nothing. */
export type DeliveryResult = "delivered" | "retry_scheduled" | "failed" | "not_claimed" | "lease_lost";

/** The AAD binds a ciphertext to its shipment: a payload copied onto another row does not decrypt. */
export const shipmentAad = (reference: string) => `shipment:${reference}`;

/**
 * Claims due shipments (FOR UPDATE SKIP LOCKED + lease) so concurrent workers
 * share the outbox. `dueBefore` bounds a run: a shipment rescheduled during
 * the run is left for the next one.
 */
export async function claimDueShipments(deps: DeliveryDeps, limit = 10, dueBefore?: Date): Promise<Shipment[]> {
  const now = (deps.now ?? (() => new Date()))();
  const leaseUntil = new Date(now.getTime() + (deps.leaseMs ?? DEFAULT_LEASE_MS));
  // Two deliverers claiming side by side update counter rows (ADR 035) in the order of their rows.
  return retryOnDeadlock(() =>
    deps.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: shipments.id })
        .from(shipments)
        .where(
          and(
            eq(shipments.status, "pending"),
            lte(shipments.nextAttemptAt, dueBefore ?? now),
            or(isNull(shipments.lockedUntil), lt(shipments.lockedUntil, now)),
          ),
        )
        .orderBy(shipments.nextAttemptAt)
        .limit(limit)
        .for("update", { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(shipments)
        .set({ lockedUntil: leaseUntil, attempts: sql`${shipments.attempts} + 1` })
        .where(
          inArray(
            shipments.id,
            due.map((d) => d.id),
          ),
        )
        .returning();
    }),
  );
}

/** Claims one shipment by id (the action delivers right away; the worker is the fallback). */
export async function claimShipment(deps: DeliveryDeps, id: string): Promise<Shipment | null> {
  const now = (deps.now ?? (() => new Date()))();
  const [claimed] = await deps.db
    .update(shipments)
    .set({
      lockedUntil: new Date(now.getTime() + (deps.leaseMs ?? DEFAULT_LEASE_MS)),
      attempts: sql`${shipments.attempts} + 1`,
    })
    .where(
      and(
        eq(shipments.id, id),
        eq(shipments.status, "pending"),
        or(isNull(shipments.lockedUntil), lt(shipments.lockedUntil, now)),
      ),
    )
    .returning();
  return claimed ?? null;
}

/**
 * Written to last_error just before `POST /folders` and replaced as soon as the folder id is
 * recorded: if it is still there at the next attempt, the previous one stopped while HubEE's answer
 * was unknown, and HubEE may hold a folder we cannot find again (ADR 009).
 */
export const FOLDER_CREATION_MARKER = "Création du dossier HubEE commencée";
const creationMarker = (at: Date) =>
  `${FOLDER_CREATION_MARKER} le ${at.toISOString()}, sans réponse enregistrée (tentative interrompue)`;

type ShipmentUpdate = Partial<typeof shipments.$inferInsert>;

/**
 * The row as long as this attempt holds it: still pending, and its lease is the one this attempt
 * was given (a claim after expiry writes a later locked_until), so an attempt that outlived its
 * lease changes nothing another worker did since.
 */
function heldBy(shipment: Shipment) {
  return and(
    eq(shipments.id, shipment.id),
    eq(shipments.status, "pending"),
    shipment.lockedUntil ? eq(shipments.lockedUntil, shipment.lockedUntil) : isNull(shipments.lockedUntil),
  );
}

/** Delivers one claimed shipment; records the outcome. Never throws for a HubEE failure. */
export async function deliverClaimedShipment(deps: DeliveryDeps, shipment: Shipment): Promise<DeliveryResult> {
  const { db, sender } = deps;
  const now = deps.now ?? (() => new Date());
  const externalId = hubeeExternalId(shipment.reference);
  const update = async (values: ShipmentUpdate) =>
    (await db.update(shipments).set(values).where(heldBy(shipment)).returning({ id: shipments.id })).length === 1;
  const markDelivered = async (): Promise<DeliveryResult> =>
    (await update({
      status: "delivered",
      deliveredAt: now(),
      // Retention: the personal payload is erased as soon as the commune has it.
      payloadEncrypted: null,
      payloadPurgedAt: now(),
      lockedUntil: null,
      lastError: null,
      hubeeCaseStatus: "HUBEE_COMPLETED",
    }))
      ? "delivered"
      : "lease_lost";

  /** A folder of this shipment that HubEE holds, not completed, and whether the row records it. */
  let openFolder: { id: string; recorded: boolean } | null = shipment.hubeeFolderId
    ? { id: shipment.hubeeFolderId, recorded: true }
    : null;
  try {
    if (!shipment.payloadEncrypted) throw new PermanentDeliveryError("Contenu de la transmission absent (purgé)");
    const data = decryptJson<ShipmentData>(
      shipment.payloadEncrypted,
      deps.encryptionKey,
      shipmentAad(shipment.reference),
    );

    if (openFolder) {
      // A previous attempt created a folder and did not finish: it is either still
      // HUBEE_RECEIVED (delete it and start over) or already completed (done).
      const outcome = await discardFolder(sender, openFolder.id);
      if (outcome === "already_completed") return markDelivered();
      openFolder = null;
      if (!(await update({ hubeeFolderId: null, hubeeCaseId: null }))) return "lease_lost";
    } else if (shipment.lastError?.startsWith(FOLDER_CREATION_MARKER)) {
      logger.warn(
        { reference: shipment.reference, externalId },
        "la tentative précédente s’est arrêtée pendant la création du dossier HubEE : un dossier jamais complété peut y rester (ADR 009)",
      );
    }

    const attachments = await buildAttachments(data);
    if (!(await update({ lastError: creationMarker(now()) }))) return "lease_lost";
    let folder: CreatedFolder;
    try {
      folder = await sender.createFolder({
        externalId,
        applicant: { firstName: data.pivotIdentity.givenNames.join(" "), lastName: data.pivotIdentity.familyName },
        recipient: { siret: data.collectivity.siret, codeCog: data.collectivity.codeCog },
        attachments,
      });
    } catch (error) {
      if (creationOutcomeUnknown(error)) {
        logger.warn(
          { reference: shipment.reference, externalId, err: error },
          "création du dossier HubEE sans réponse exploitable : un dossier jamais complété peut y rester (ADR 009)",
        );
      }
      throw error;
    }
    openFolder = { id: folder.id, recorded: false };
    // Recorded before any upload: from here on a crash is recoverable without a duplicate.
    if (!(await update({ hubeeFolderId: folder.id, hubeeCaseId: folder.cases[0]!.id, lastError: null }))) {
      // Another worker took the shipment over meanwhile: this folder is known to this attempt only.
      await discardQuietly(sender, shipment, folder.id);
      return "lease_lost";
    }
    openFolder.recorded = true;

    for (const attachment of attachments) {
      const declared = folder.attachments.find((a) => a.fileName === attachment.fileName);
      if (!declared) throw new PermanentDeliveryError(`Pièce jointe ${attachment.fileName} absente du dossier HubEE`);
      await sender.uploadAttachment(folder.id, declared.id, attachment.content);
    }
    await sender.completeFolder(folder.id);
    return markDelivered();
  } catch (error) {
    const permanent = error instanceof PermanentDeliveryError || refusesThisShipment(error);
    const message = describeError(error);
    const givingUp = permanent || shipment.attempts >= (deps.backoff ?? DELIVERY_BACKOFF).attempts;
    const ids: ShipmentUpdate = {};
    // Giving up, or a folder the row does not know: nobody would ever complete or delete it, and
    // it holds the citizen's name at HubEE, so it goes now. Otherwise the retry deletes it first.
    if (openFolder && (givingUp || !openFolder.recorded)) {
      const outcome = await discardFolder(sender, openFolder.id).catch((cleanupError: unknown) => {
        logger.warn(
          { reference: shipment.reference, folderId: openFolder!.id, err: cleanupError },
          "dossier HubEE à moitié créé non supprimé",
        );
        return "kept" as const;
      });
      if (outcome === "already_completed") return markDelivered();
      if (outcome === "deleted") Object.assign(ids, { hubeeFolderId: null, hubeeCaseId: null });
      else if (!openFolder.recorded) Object.assign(ids, { hubeeFolderId: openFolder.id, hubeeCaseId: null });
    }
    if (givingUp) {
      const recorded = await update({
        status: "failed",
        failedAt: now(),
        lastError: message,
        lockedUntil: null,
        ...ids,
      });
      return recorded ? "failed" : "lease_lost";
    }
    // At least 1 ms, so the retry is never due within the run that scheduled it.
    const delay = Math.max(1, backoffDelay(shipment.attempts - 1, deps.backoff ?? DELIVERY_BACKOFF));
    const recorded = await update({
      nextAttemptAt: new Date(now().getTime() + delay),
      lastError: message,
      lockedUntil: null,
      ...ids,
    });
    return recorded ? "retry_scheduled" : "lease_lost";
  }
}

/** Deletes a folder that never reached the commune; tells when it turns out to be completed already. */
async function discardFolder(sender: HubeeSender, folderId: string): Promise<"deleted" | "already_completed"> {
  try {
    await sender.deleteFolder(folderId);
    return "deleted";
  } catch (error) {
    if (!(error instanceof HubeeError) || error.transient) throw error;
    if (error.status === 404) return "deleted";
    // DELETE is refused once the folder left HUBEE_RECEIVED: check what it became.
    const folder = await sender.getFolder(folderId);
    if (folder.globalStatus === "HUBEE_RECEIVED") throw error;
    return "already_completed";
  }
}

async function discardQuietly(sender: HubeeSender, shipment: Shipment, folderId: string): Promise<void> {
  try {
    await discardFolder(sender, folderId);
  } catch (error) {
    logger.warn(
      { reference: shipment.reference, folderId, err: error },
      "dossier HubEE créé après la perte du bail non supprimé : il reste jamais complété chez HubEE",
    );
  }
}

/**
 * A refusal about this shipment, which a retry would meet again. Not a refused login: a rotated
 * secret or a token service hiccup would otherwise fail every pending transmission in one run;
 * those wait with backoff (about 2.5 days over the attempts) while the operator fixes them.
 */
function refusesThisShipment(error: unknown): boolean {
  if (!(error instanceof HubeeError) || error.transient) return false;
  return !error.credentialsRejected && error.status !== 401;
}

/** A failure of POST /folders after which HubEE may still have created the folder. */
function creationOutcomeUnknown(error: unknown): boolean {
  if (!(error instanceof HubeeError)) return true; // e.g. a 201 whose body we could not read
  if (error.status === null) return true; // timeout or network failure
  return error.status === 500 || error.status === 502 || error.status === 504;
}

/** What may be logged of an error: its kind and technical message (ids, never personal data). */
export class PermanentDeliveryError extends Error {}

function describeError(error: unknown): string {
  if (error instanceof HubeeError) return error.message.slice(0, 500);
  if (error instanceof Error) return `${error.name}: ${safeErrorMessage(error)}`.slice(0, 500);
  return "Erreur inconnue";
}

/** Delivers everything due, batch after batch; returns counts for the logs. */
export async function deliverDueShipments(deps: DeliveryDeps, batchSize = 10): Promise<Record<DeliveryResult, number>> {
  const counts: Record<DeliveryResult, number> = {
    delivered: 0,
    retry_scheduled: 0,
    failed: 0,
    not_claimed: 0,
    lease_lost: 0,
  };
  const runStartedAt = (deps.now ?? (() => new Date()))();
  for (;;) {
    const batch = await claimDueShipments(deps, batchSize, runStartedAt);
    if (batch.length === 0) return counts;
    for (const shipment of batch) counts[await deliverClaimedShipment(deps, shipment)]++;
  }
}
