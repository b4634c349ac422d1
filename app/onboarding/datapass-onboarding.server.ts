import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { Database, DbExecutor } from "../../db/client.ts";
import {
  collectivities,
  memberships,
  webhookDeliveries,
  type Collectivity,
  type WebhookDeliveryOutcome,
} from "../../db/schema/index.ts";
import { recordAudit } from "~/audit/audit.server";
import { inviteFirstAdministrator } from "~/portal/access/invitations.server";
import { requestToJoinByEmail } from "~/portal/access/join-requests.server";
import { findCommuneByCog, type CommuneIdentity } from "./commune-directory.server";
import { declaredCodeCog, declaredEditor, type ApprovalData, type DeliveryEnvelope } from "./datapass-payload";

/**
 * What an approved DataPass request does: create (or activate) the collectivity
 * and invite the applicant as its first administrator, once per DataPass
 * request, in one transaction with the record of the delivery.
 * See docs/decisions/005-datapass-onboarding-without-cog.md.
 */

/** Placeholders of a collectivity whose commune the payload did not identify: inactive until an operator completes it. */
export const PENDING_NAME = "À compléter";
export const PENDING_CODE_COG = "00000";
export const PENDING_DEPARTEMENT = "00";

/** Whether an operator still has to give this collectivity its commune (INSEE code, département). */
export function isPendingCompletion(collectivity: Pick<Collectivity, "codeCog">): boolean {
  return collectivity.codeCog === PENDING_CODE_COG;
}

/** Outcomes that mean an approval was acted upon (so a later delivery of it is a no-op). */
const PROCESSED_OUTCOMES: WebhookDeliveryOutcome[] = ["created", "activated", "updated", "pending_completion"];

export type InvitationOutcome =
  | Awaited<ReturnType<typeof inviteFirstAdministrator>>["kind"]
  /** The commune has an administrator: the applicant's request to join waits for their decision. */
  | "join_requested";
export type InviteFirstAdministrator = (
  db: DbExecutor,
  collectivityId: string,
  email: string,
  options?: { requestId?: string | null },
) => Promise<{ kind: InvitationOutcome }>;

export interface VerifiedDelivery {
  /** Hex HMAC of the raw body, already verified. */
  signature: string;
  envelope: DeliveryEnvelope;
  /** The validated data when the event is `approve`, null for any other event. */
  approval: ApprovalData | null;
}

export type DeliveryResult =
  /** Already received: what it led to then (null while a crash left it unfinished, never the case once committed). */
  | {
      kind: "replayed";
      outcome: WebhookDeliveryOutcome;
      collectivity: Pick<Collectivity, "id" | "siret" | "status"> | null;
    }
  | { kind: "ignored" }
  | {
      kind: "processed";
      outcome: Exclude<WebhookDeliveryOutcome, "received" | "ignored">;
      collectivity: Pick<Collectivity, "id" | "siret" | "status">;
      invitation: InvitationOutcome | null;
    };

export interface ProcessOptions {
  requestId?: string | null;
  /** The portal's invitation, replaceable in tests. */
  invite?: InviteFirstAdministrator;
}

/**
 * Records the delivery (its signature is unique: a replay finds it taken) and
 * acts on it. Everything commits together, so a failure leaves no trace and
 * DataPass's retry of the same body is processed normally.
 */
export async function processDataPassDelivery(
  db: Database,
  delivery: VerifiedDelivery,
  { requestId = null, invite = inviteFirstAdministrator }: ProcessOptions = {},
): Promise<DeliveryResult> {
  const { envelope, approval } = delivery;
  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .insert(webhookDeliveries)
      .values({
        source: "datapass",
        signature: delivery.signature,
        event: envelope.event,
        modelType: envelope.model_type,
        modelId: envelope.model_id,
        firedAt: envelope.fired_at,
      })
      .onConflictDoNothing({ target: webhookDeliveries.signature })
      .returning({ id: webhookDeliveries.id });
    if (!claimed) {
      // The first delivery committed (the unique index made this one wait for it): say what it led to.
      const [first] = await tx
        .select({ outcome: webhookDeliveries.outcome, collectivityId: webhookDeliveries.collectivityId })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.signature, delivery.signature));
      const [collectivity] = first?.collectivityId
        ? await tx
            .select({ id: collectivities.id, siret: collectivities.siret, status: collectivities.status })
            .from(collectivities)
            .where(eq(collectivities.id, first.collectivityId))
        : [];
      return { kind: "replayed", outcome: first?.outcome ?? "received", collectivity: collectivity ?? null } as const;
    }

    if (envelope.event !== "approve" || !approval) {
      await tx.update(webhookDeliveries).set({ outcome: "ignored" }).where(eq(webhookDeliveries.id, claimed.id));
      return { kind: "ignored" } as const;
    }

    const result = await onboard(tx, claimed.id, envelope, approval, { requestId, invite });
    await tx
      .update(webhookDeliveries)
      .set({ outcome: result.outcome, collectivityId: result.collectivity.id })
      .where(eq(webhookDeliveries.id, claimed.id));
    return result;
  });
}

async function onboard(
  tx: DbExecutor,
  deliveryId: string,
  envelope: DeliveryEnvelope,
  approval: ApprovalData,
  { requestId, invite }: { requestId: string | null; invite: InviteFirstAdministrator },
): Promise<Extract<DeliveryResult, { kind: "processed" }>> {
  const siret = approval.organization.siret;
  // Serialises deliveries about the same organisation (two approvals sent at
  // once would both see no previous one, and invite twice).
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`datapass-onboarding:${siret}`}))`);

  const [existing] = await tx.select().from(collectivities).where(eq(collectivities.siret, siret)).for("update");
  const [previous] = await tx
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.source, "datapass"),
        eq(webhookDeliveries.modelType, envelope.model_type),
        eq(webhookDeliveries.modelId, envelope.model_id),
        eq(webhookDeliveries.event, "approve"),
        inArray(webhookDeliveries.outcome, PROCESSED_OUTCOMES),
        ne(webhookDeliveries.id, deliveryId),
      ),
    )
    .limit(1);
  if (previous && existing) {
    return { kind: "processed", outcome: "already_processed", collectivity: existing, invitation: null };
  }

  const codeCog = declaredCodeCog(approval.organization);
  const commune = codeCog ? findCommuneByCog(codeCog) : null;
  const editor = declaredEditor(approval.service_provider);
  const organizationName = approval.organization.name?.replace(/\s+/g, " ").slice(0, 200) || null;
  const now = new Date();

  let collectivity: Collectivity;
  let outcome: Exclude<WebhookDeliveryOutcome, "received" | "ignored" | "already_processed">;
  if (!existing) {
    const identity = commune
      ? {
          name: displayName(siret, organizationName, commune),
          codeCog: commune.codeCog,
          departement: commune.departement,
        }
      : { name: organizationName ?? PENDING_NAME, codeCog: PENDING_CODE_COG, departement: PENDING_DEPARTEMENT };
    [collectivity] = await tx
      .insert(collectivities)
      .values({ siret, ...identity, status: commune ? "active" : "inactive", editor })
      .returning();
    outcome = commune ? "created" : "pending_completion";
  } else if (isPendingCompletion(existing)) {
    // A placeholder from an earlier approval: this one may finally name the commune.
    const changes = commune
      ? {
          name: displayName(siret, organizationName, commune),
          codeCog: commune.codeCog,
          departement: commune.departement,
          status: "active" as const,
        }
      : existing.name === PENDING_NAME && organizationName
        ? { name: organizationName }
        : {};
    [collectivity] = await tx
      .update(collectivities)
      .set({ ...changes, ...(editor ? { editor } : {}), updatedAt: now })
      .where(eq(collectivities.id, existing.id))
      .returning();
    outcome = commune ? "activated" : "pending_completion";
  } else {
    // Known commune: its name and code may have been curated by an operator, keep them.
    [collectivity] = await tx
      .update(collectivities)
      .set({ status: "active", ...(editor ? { editor } : {}), updatedAt: now })
      .where(eq(collectivities.id, existing.id))
      .returning();
    outcome = existing.status === "inactive" ? "activated" : "updated";
  }

  if (outcome === "created" || outcome === "activated" || (outcome === "pending_completion" && !existing)) {
    await recordAudit(tx, {
      actor: null,
      collectivityId: collectivity.id,
      action: outcome === "activated" ? "collectivity.activated" : "collectivity.created",
      targetType: "collectivity",
      targetId: collectivity.id,
      requestId,
      details: { via: "datapass", modelId: envelope.model_id, status: collectivity.status },
    });
  }

  // The first approval invites the first administrator; once the commune has one, an approval
  // no longer grants access by itself: its applicant asks to join, and the commune decides.
  const [administrator] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.collectivityId, collectivity.id), eq(memberships.role, "admin")))
    .limit(1);
  if (administrator) {
    await requestToJoinByEmail(tx, { collectivityId: collectivity.id, email: approval.applicant.email, requestId });
    return { kind: "processed", outcome, collectivity, invitation: "join_requested" };
  }
  const invitation = await invite(tx, collectivity.id, approval.applicant.email, { requestId });
  return { kind: "processed", outcome, collectivity, invitation: invitation.kind };
}

/**
 * The name citizens look for: a commune's own SIRET (SIREN 21…) gets its
 * official name ("Angers", not the legal "COMMUNE D'ANGERS"); another body
 * (CCAS, intercommunality) keeps its legal name when the payload gives one.
 */
function displayName(siret: string, organizationName: string | null, commune: CommuneIdentity): string {
  return siret.startsWith("21") || !organizationName ? commune.name : organizationName;
}
