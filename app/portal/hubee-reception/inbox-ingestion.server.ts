import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import {
  caseAttachments,
  families,
  qfHistory,
  receivedCases,
  type Family,
  type InboxRunCounts,
  type ReceivedCase,
} from "../../../db/schema/index.ts";
import { isTransientHubeeError } from "~/integrations/hubee/errors.server";
import {
  HubeeDigestMismatchError,
  type HubeeReceiver,
  type MalformedNotification,
  type SiAttachment,
  type SiCase,
  type SiNotification,
} from "~/integrations/hubee/receiver.server";
import { FORMULAIRE_QF_PROCESS_CODE } from "~/integrations/hubee/sender.server";
import { logger } from "~/utils/logger.server";
import { emitWebhookEvent } from "~/webhooks/outbox.server";
import { identiteOf } from "~/webhooks/payloads";
import { AGENT_REPORTED_STATUSES, completeOwedStatusReports } from "../family-files/family-file.server";
import { familyIdentityKey, familySearchText } from "../family-files/family-identity";
import { parseFormulaireQfJson, type ParsedFormulaireQf, type ParsedQuotient } from "../../formulaire-qf/parser";

/**
 * Reads a commune's HubEE inbox as its software would (README §3, SI side) and turns each
 * FormulaireQF case into a family file.
 *
 * Idempotent by construction: a case is stored once (unique HubEE case id, in the same
 * transaction as its family and attachments); every later step (status report, notification
 * deletion) is checked against what HubEE and the database already hold, so a notification seen
 * twice, or a run that stopped between two steps, is simply finished by the next run.
 * Personal data never goes to the logs: ids and counts only.
 */

export const INBOX_BATCH_SIZE = 25;
/** A run stops after this many pages, so one commune cannot hold the worker for ever. */
const MAX_BATCHES_PER_RUN = 40;
/**
 * A run stops once this many notifications are left at the head of the queue: pages would keep
 * growing (each asks for INBOX_BATCH_SIZE more than those) for what is by then a HubEE problem.
 */
const MAX_LEFT_IN_QUEUE = 200;
export const FORMULAIRE_QF_JSON = "FormulaireQF.json";

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

/** Statuses from which the SI reports its reception (HubEE moves NOTIFIED → SENT when we read the case). */
const AWAITING_RECEPTION = new Set(["HUBEE_NOTIFIED", "SENT"]);

const HUBEE_MESSAGES = {
  SI_RECEIVED: "Télédossier reçu et intégré par la commune.",
  // Sent to the sender, hence to the citizen: a generic reason, never data from the file.
  SI_INTG_ERROR: "La commune n’a pas pu intégrer ce télédossier : fichier illisible ou altéré.",
} as const;

export async function ingestCommuneInbox(
  db: Database,
  receiver: HubeeReceiver,
  collectivity: InboxCollectivity,
  options: IngestionOptions = {},
): Promise<IngestionCounts> {
  const counts: IngestionCounts = { cases: 0, alreadyStored: 0, errors: 0, events: 0, failed: 0, ignoredForeign: 0 };
  const context: Context = {
    db,
    receiver,
    collectivity,
    author: options.author ?? (collectivity.name ? `Portail QF (${collectivity.name})` : "Portail QF"),
    now: options.now ?? (() => new Date()),
    counts,
  };
  // No cursor in HubEE: what a run leaves in the queue (failed, foreign or malformed
  // notifications) stays at its head. Each page therefore asks for that many more, so those never
  // hide the ones behind them, and every id is handled once per run. The run ends on a short
  // page, a page that taught nothing new, too many left behind, or MAX_BATCHES_PER_RUN pages.
  const seen = new Set<string>();
  const leftInQueue = new Set<string>();
  // Malformed items without a usable id cannot be told apart: the most seen on one page.
  let unidentified = 0;
  let hubeeStruggling = false;
  // A malformed item is skipped and NOT deleted: we cannot know what it announced (a citizen's
  // case, a sender's event), and deleting it would lose that for good. Left in the queue, it
  // is counted as failed and logged on every run until HubEE lists it in a shape we can read.
  const reportMalformed = (item: MalformedNotification) => {
    counts.failed++;
    // Ids and field paths only: the item's values may identify people or organisations.
    logger.warn(
      { collectivityId: collectivity.id, notificationId: item.id, issues: item.issues },
      "notification HubEE mal formée, laissée dans la file",
    );
  };

  for (let page = 0; page < MAX_BATCHES_PER_RUN; page++) {
    const maxResult = INBOX_BATCH_SIZE + leftInQueue.size + unidentified;
    const { notifications, malformed } = await receiver.listNotifications({
      maxResult,
      processCode: FORMULAIRE_QF_PROCESS_CODE,
    });
    let progress = 0;
    for (const item of malformed) {
      if (item.id === null || seen.has(item.id)) continue;
      seen.add(item.id);
      leftInQueue.add(item.id);
      progress++;
      reportMalformed(item);
    }
    // Items without an id cannot be told apart: those beyond the most seen on one page are new.
    const newUnidentified = malformed.filter((m) => m.id === null).slice(unidentified);
    newUnidentified.forEach(reportMalformed);
    unidentified += newUnidentified.length;
    progress += newUnidentified.length;
    for (const { id } of notifications) {
      // Handled and deleted, yet listed again: it takes a place at the head of the next page too.
      if (seen.has(id) && !leftInQueue.has(id)) {
        leftInQueue.add(id);
        progress++;
      }
    }
    const fresh = notifications.filter((n) => !seen.has(n.id));
    progress += fresh.length;
    let interrupted = false;
    for (const notification of fresh) {
      seen.add(notification.id);
      // HubEE filters on processCode, but the queue is shared by the credential's démarches:
      // never touch another démarche's notification.
      if (notification.processCode !== FORMULAIRE_QF_PROCESS_CODE) {
        leftInQueue.add(notification.id);
        counts.ignoredForeign++;
        continue;
      }
      try {
        if (notification.eventId) await handleEventNotification(context, notification);
        else await handleCaseNotification(context, notification);
      } catch (error) {
        leftInQueue.add(notification.id);
        counts.failed++;
        logger.warn(
          {
            collectivityId: collectivity.id,
            notificationId: notification.id,
            caseId: notification.caseId,
            err: error,
          },
          "notification HubEE non traitée, nouvel essai au prochain relevé",
        );
        // HubEE is struggling (5xx, timeout, token service): leave the rest for the next run.
        if (isTransientHubeeError(error)) {
          interrupted = true;
          hubeeStruggling = true;
          break;
        }
      }
    }
    const listed = notifications.length + malformed.length;
    if (interrupted || listed < maxResult || progress === 0) break;
    if (leftInQueue.size + unidentified >= MAX_LEFT_IN_QUEUE) {
      logger.error(
        { collectivityId: collectivity.id, left: leftInQueue.size + unidentified },
        "trop de notifications HubEE laissées dans la file : arrêt du relevé",
      );
      break;
    }
  }
  // Agents' status changes HubEE has not been told of yet (it was down, or a request stopped
  // half-way): every run finishes them.
  if (!hubeeStruggling) {
    await completeOwedStatusReports(db, receiver, collectivity, { author: context.author, now: context.now() });
  }
  return counts;
}

interface Context {
  db: Database;
  receiver: HubeeReceiver;
  collectivity: InboxCollectivity;
  author: string;
  now: () => Date;
  counts: IngestionCounts;
}

/** Only the technical shape of an error goes to the logs (a database error's detail may quote values). */
async function deleteNotification(ctx: Context, notification: SiNotification) {
  try {
    await ctx.receiver.deleteNotification(notification.id);
  } catch (error) {
    // Another run (or an agent's "Relever maintenant") deleted it first: the goal is reached.
    if ((error as { status?: number }).status === 404) return;
    throw error;
  }
}

async function handleEventNotification(ctx: Context, notification: SiNotification) {
  const { caseId, eventId } = notification;
  if (!caseId || !eventId) {
    await deleteNotification(ctx, notification);
    return;
  }
  const event = await ctx.receiver.getEvent(caseId, eventId);
  if (event.actionType === "STATUS_UPDATE" && event.caseNewStatus) {
    // The sender moved the case (e.g. CLOSED once the commune gave its final status).
    await ctx.db
      .update(receivedCases)
      .set({ hubeeStatus: event.caseNewStatus, updatedAt: ctx.now() })
      .where(and(eq(receivedCases.hubeeCaseId, caseId), eq(receivedCases.collectivityId, ctx.collectivity.id)));
  }
  if (event.status !== "RECEIVED") await ctx.receiver.acknowledgeEvent(caseId, eventId);
  await deleteNotification(ctx, notification);
  ctx.counts.events++;
}

async function findStoredCase(db: Database, hubeeCaseId: string): Promise<ReceivedCase | undefined> {
  const [row] = await db.select().from(receivedCases).where(eq(receivedCases.hubeeCaseId, hubeeCaseId));
  return row;
}

async function handleCaseNotification(ctx: Context, notification: SiNotification) {
  const caseId = notification.caseId;
  if (!caseId) {
    // Nothing to fetch: a notification without a case cannot be acted upon.
    await deleteNotification(ctx, notification);
    return;
  }

  const stored = await findStoredCase(ctx.db, caseId);
  if (stored) {
    if (stored.collectivityId !== ctx.collectivity.id) {
      throw new Error(`Le télédossier ${caseId} est déjà rattaché à une autre collectivité`);
    }
    await reportReception(ctx, stored, null);
    await deleteNotification(ctx, notification);
    ctx.counts.alreadyStored++;
    return;
  }

  const kase = await ctx.receiver.getCase(caseId);
  const reception = await receiveCase(ctx, kase);
  const row = await storeCase(ctx, kase, reception);
  if (!row) {
    // Stored meanwhile by a concurrent run: finish its steps rather than duplicate it.
    const concurrent = await findStoredCase(ctx.db, caseId);
    if (!concurrent) throw new Error(`Le télédossier ${caseId} n’a pas pu être enregistré`);
    await reportReception(ctx, concurrent, null);
    await deleteNotification(ctx, notification);
    ctx.counts.alreadyStored++;
    return;
  }
  await reportReception(ctx, row, kase);
  await deleteNotification(ctx, notification);
  if (row.ingestionError) ctx.counts.errors++;
  else ctx.counts.cases++;
}

interface DownloadedFile {
  attachment: SiAttachment;
  content: Buffer;
  sha256: string;
  hubeeDigest: string | null;
  digestVerified: boolean;
}

interface Reception {
  files: DownloadedFile[];
  parsed: ParsedFormulaireQf | null;
  /** For agents, in French; null when the case was integrated. */
  error: string | null;
}

/** Downloads every file (checking HubEE's digest) and reads FormulaireQF.json. */
async function receiveCase(ctx: Context, kase: SiCase): Promise<Reception> {
  const files: DownloadedFile[] = [];
  let altered = 0;
  for (const attachment of kase.attachments) {
    try {
      const downloaded = await ctx.receiver.downloadAttachment(kase.id, attachment.id, attachment.size);
      if (downloaded.hubeeDigest !== null && !downloaded.digestVerified) {
        // A digest we cannot read proves nothing either way: kept, flagged as not verified.
        logger.warn(
          { collectivityId: ctx.collectivity.id, caseId: kase.id, attachmentId: attachment.id },
          "empreinte annoncée par HubEE illisible : pièce jointe gardée, non vérifiée",
        );
      }
      files.push({ attachment, ...downloaded });
    } catch (error) {
      if (!(error instanceof HubeeDigestMismatchError)) throw error;
      // Kept for agents to look at, flagged as not verified; the case is reported as not integrated.
      altered++;
      files.push({
        attachment,
        content: error.content,
        sha256: error.actual,
        hubeeDigest: error.expected,
        digestVerified: false,
      });
    }
  }
  if (altered > 0) {
    return {
      files,
      parsed: null,
      error:
        altered === 1
          ? "Une pièce jointe reçue ne correspond pas à l’empreinte SHA-256 annoncée par HubEE : le fichier a été altéré pendant la transmission."
          : `${altered} pièces jointes reçues ne correspondent pas à l’empreinte SHA-256 annoncée par HubEE : les fichiers ont été altérés pendant la transmission.`,
    };
  }
  const json = files.find((f) => f.attachment.fileName.toLowerCase() === FORMULAIRE_QF_JSON.toLowerCase());
  if (!json) return { files, parsed: null, error: "Le télédossier ne contient pas de fichier FormulaireQF.json." };
  const result = parseFormulaireQfJson(json.content);
  if (!result.success) {
    logger.info(
      { collectivityId: ctx.collectivity.id, caseId: kase.id, issues: result.issues },
      "FormulaireQF.json illisible",
    );
    return { files, parsed: null, error: result.error };
  }
  return { files, parsed: result.data, error: null };
}

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
async function storeCase(ctx: Context, kase: SiCase, reception: Reception): Promise<ReceivedCase | null> {
  const now = ctx.now();
  try {
    return await ctx.db.transaction(async (tx) => {
      const family = reception.parsed
        ? await upsertFamily(tx as unknown as Database, ctx.collectivity.id, reception.parsed, now)
        : {
            id: await insertErrorFamily(tx as unknown as Database, ctx.collectivity.id, kase, reception.error!, now),
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
      await emitCaseWebhooks(tx as unknown as Database, ctx.collectivity.id, row, reception, family, now);
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
  db: Database,
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
  db: Database,
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
async function insertErrorFamily(db: Database, collectivityId: string, kase: SiCase, error: string, now: Date) {
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

/**
 * Tells HubEE the case was received (SI_RECEIVED) or could not be integrated (SI_INTG_ERROR):
 * event then case status. Safe to replay: the case's status and events in HubEE say which steps
 * a previous run already did.
 */
async function reportReception(ctx: Context, row: ReceivedCase, fetched: SiCase | null) {
  // Reported already, or an agent moved the case on since (the reception was reported before
  // they could): a status report the agent's action still owes is completeOwedStatusReports's.
  if (row.statusReportedAt || AGENT_REPORTED_STATUSES.includes(row.hubeeStatus)) return;
  const target = row.ingestionError ? "SI_INTG_ERROR" : "SI_RECEIVED";
  const kase = fetched ?? (await ctx.receiver.getCase(row.hubeeCaseId));
  if (AWAITING_RECEPTION.has(kase.status)) {
    const eventSent = kase.events.some((e) => e.actionType === "STATUS_UPDATE" && e.caseNewStatus === target);
    if (!eventSent) {
      await ctx.receiver.postStatusEvent(kase.id, {
        caseCurrentStatus: kase.status,
        caseNewStatus: target,
        author: ctx.author,
        message: HUBEE_MESSAGES[target],
      });
    }
    await ctx.receiver.updateCaseStatus(kase.id, target);
  }
  // Otherwise HubEE already has it, or an agent moved the case on since: nothing to report.
  const reportedStatus = AWAITING_RECEPTION.has(kase.status) ? target : kase.status;
  await ctx.db
    .update(receivedCases)
    .set({ statusReportedAt: ctx.now(), hubeeStatus: reportedStatus, updatedAt: ctx.now() })
    .where(eq(receivedCases.id, row.id));
}
