import { and, eq } from "drizzle-orm";
import type { DbExecutor } from "../../../db/client.ts";
import {
  caseAttachments,
  families,
  qfHistory,
  receivedCases,
  type Family,
  type ReceivedCase,
} from "../../../db/schema/index.ts";
import type { SiCase } from "~/integrations/hubee/receiver.server";
import { emitWebhookEvent } from "~/webhooks/outbox.server";
import { identiteOf } from "~/webhooks/payloads";
import { familyIdentityKey, familySearchText } from "../family-files/family-identity";
import type { ParsedFormulaireQf, ParsedQuotient } from "../../formulaire-qf/parser";
import type { InboxRun } from "./inbox-run";
import type { Reception } from "./receive-case.server";

/**
 * Storing a received case: the case, its files, its QF history line and its family file (a known
 * family gets the new transmission), with the webhook events they raise, in one transaction.
 */

/** "Formulaire-QF-<13 hex>" (possibly with a case suffix): the reference the citizen was given. */
export function referenceFromExternalId(externalId: string): string | null {
  return /^Formulaire-QF-([0-9A-F]{13})(?:$|-)/i.exec(externalId)?.[1]?.toUpperCase() ?? null;
}

const dateOrNull = (value: string | null | undefined) => {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
};

class AlreadyStoredError extends Error {}

/**
 * Stores the case, its files and its family file in one transaction. Returns null when the
 * case was stored meanwhile by another run (the whole transaction is then rolled back).
 */
export async function storeCase(ctx: InboxRun, kase: SiCase, reception: Reception): Promise<ReceivedCase | null> {
  const now = ctx.now();
  try {
    return await ctx.db.transaction(async (tx) => {
      const family = reception.parsed
        ? await upsertFamily(tx, ctx.collectivity.id, reception.parsed, now)
        : {
            id: await insertErrorFamily(tx, ctx.collectivity.id, kase, reception.error!, now),
            isNew: true,
            qfChange: null,
          };
      const familyId = family.id;

      const [row] = await tx
        .insert(receivedCases)
        .values({
          collectivityId: ctx.collectivity.id,
          familyId,
          hubeeCaseId: kase.id,
          hubeeExternalId: kase.externalId,
          reference: referenceFromExternalId(kase.externalId),
          externalId: reception.parsed?.externalId ?? null,
          applicantFirstName: kase.applicant?.firstName ?? null,
          applicantLastName: kase.applicant?.lastName ?? null,
          payloadVersion: reception.parsed?.payloadVersion ?? null,
          ingestionError: reception.error,
          hubeeStatus: kase.status,
          transmittedAt: dateOrNull(kase.createDateTime),
          receivedAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing({ target: receivedCases.hubeeCaseId })
        .returning();
      if (!row) throw new AlreadyStoredError();

      if (reception.files.length > 0) {
        await tx.insert(caseAttachments).values(
          reception.files.map((f) => ({
            caseId: row.id,
            hubeeAttachmentId: f.attachment.id,
            fileName: f.attachment.fileName,
            mimeType: f.attachment.mimeType,
            size: f.content.length,
            sha256: f.sha256,
            hubeeDigest: f.hubeeDigest,
            digestVerified: f.digestVerified,
            content: f.content,
          })),
        );
      }
      const qf = reception.parsed?.quotientFamilial;
      if (qf) {
        await tx.insert(qfHistory).values({
          familyId,
          value: qf.value,
          annee: qf.annee,
          mois: qf.mois,
          provider: qf.provider,
          source: "transmission",
          caseId: row.id,
          recordedAt: now,
        });
      }
      await emitCaseWebhooks(tx, ctx.collectivity.id, row, reception, family, now);
      return row;
    });
  } catch (error) {
    if (error instanceof AlreadyStoredError) return null;
    throw error;
  }
}

const period = (annee: number, mois: number) => annee * 12 + mois;

/** The transmission's QF replaces the current one unless the file already knows a later month. */
function supersedes(next: ParsedQuotient | null, current: Family): boolean {
  if (current.qfAnnee === null || current.qfMois === null) return true;
  if (!next) return false;
  return period(next.annee, next.mois) >= period(current.qfAnnee, current.qfMois);
}

function familyData(parsed: ParsedFormulaireQf, now: Date) {
  const qf = parsed.quotientFamilial;
  return {
    qfValue: qf?.value ?? null,
    qfAnnee: qf?.annee ?? null,
    qfMois: qf?.mois ?? null,
    qfProvider: qf?.provider ?? null,
    qfUpdatedAt: qf ? now : null,
    members: { allocataires: parsed.allocataires, enfants: parsed.enfants },
    address: parsed.adresse,
    searchText: familySearchText(parsed.pivotIdentity, [...parsed.allocataires, ...parsed.enfants]),
    childrenCount: parsed.enfants.length,
  };
}

interface StoredFamily {
  id: string;
  /** false when the transmission went to a family file the commune already had. */
  isNew: boolean;
  /** Set when a known family's current QF value changed with this transmission. */
  qfChange: { previousValue: number | null } | null;
}

/**
 * The commune's systems hear of the case (dossier.recu) and, for a known family whose current
 * QF this transmission changed, of the new QF (qf.mis_a_jour). Written in the case's own
 * transaction: the outbox holds the events if and only if the case is stored.
 */
async function emitCaseWebhooks(
  db: DbExecutor,
  collectivityId: string,
  row: ReceivedCase,
  reception: Reception,
  family: StoredFamily,
  now: Date,
) {
  const parsed = reception.parsed;
  const qf = parsed?.quotientFamilial ?? null;
  const quotient = qf ? { valeur: qf.value, annee: qf.annee, mois: qf.mois, fournisseur: qf.provider } : null;
  await emitWebhookEvent(
    db,
    collectivityId,
    {
      type: "dossier.recu",
      data: {
        dossier_id: family.id,
        teledossier_hubee_id: row.hubeeCaseId,
        reference: row.reference,
        numero_dossier_commune: parsed?.externalId ?? null,
        statut: reception.error ? "erreur" : "recu",
        nouvelle_famille: family.isNew,
        recu_le: now.toISOString(),
        identite: parsed ? identiteOf(parsed.pivotIdentity) : null,
        quotient_familial: quotient,
        nombre_enfants: parsed?.enfants.length ?? 0,
      },
    },
    now,
  );
  if (family.qfChange && quotient) {
    await emitWebhookEvent(
      db,
      collectivityId,
      {
        type: "qf.mis_a_jour",
        data: {
          dossier_id: family.id,
          ancienne_valeur: family.qfChange.previousValue,
          nouveau: quotient,
          origine: "transmission",
          campagne_id: null,
        },
      },
      now,
    );
  }
}

/** A family already known in this commune (same pivot identity) gets the new transmission, not a second file. */
async function upsertFamily(
  db: DbExecutor,
  collectivityId: string,
  parsed: ParsedFormulaireQf,
  now: Date,
): Promise<StoredFamily> {
  const identity = parsed.pivotIdentity;
  const identityKey = familyIdentityKey(identity);
  const [inserted] = await db
    .insert(families)
    .values({
      collectivityId,
      identityKey,
      familyName: identity.familyName,
      givenNames: identity.givenNames.join(" "),
      gender: identity.gender,
      birthdate: identity.birthdate,
      birthplace: identity.birthplace,
      birthcountry: identity.birthcountry,
      externalId: parsed.externalId,
      status: "received",
      receivedAt: now,
      createdAt: now,
      updatedAt: now,
      ...familyData(parsed, now),
    })
    .onConflictDoNothing({ target: [families.collectivityId, families.identityKey] })
    .returning({ id: families.id });
  if (inserted) return { id: inserted.id, isNew: true, qfChange: null };

  const [current] = await db
    .select()
    .from(families)
    .where(and(eq(families.collectivityId, collectivityId), eq(families.identityKey, identityKey)))
    .for("update");
  const replacesQf = supersedes(parsed.quotientFamilial, current);
  await db
    .update(families)
    .set({
      // A new transmission is new work for the agents, whatever became of the previous one.
      status: "received",
      ingestionError: null,
      receivedAt: now,
      updatedAt: now,
      externalId: parsed.externalId ?? current.externalId,
      ...(replacesQf ? familyData(parsed, now) : {}),
    })
    .where(eq(families.id, current.id));
  const newValue = parsed.quotientFamilial?.value ?? null;
  const qfChanged = replacesQf && newValue !== null && newValue !== current.qfValue;
  return { id: current.id, isNew: false, qfChange: qfChanged ? { previousValue: current.qfValue } : null };
}

/**
 * An unreadable transmission still gets a file, so agents see it and can act: named after the
 * HubEE applicant (what the sender declared), never merged with a known family.
 */
async function insertErrorFamily(db: DbExecutor, collectivityId: string, kase: SiCase, error: string, now: Date) {
  const familyName = kase.applicant?.lastName?.trim() || null;
  const givenNames = kase.applicant?.firstName?.trim() || null;
  const [row] = await db
    .insert(families)
    .values({
      collectivityId,
      identityKey: null,
      familyName,
      givenNames,
      status: "error",
      ingestionError: error,
      searchText: familySearchText({ familyName: familyName ?? "", givenNames: givenNames ? [givenNames] : [] }, []),
      receivedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: families.id });
  return row.id;
}
