import { and, asc, desc, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import {
  agents,
  caseAttachments,
  familyAnnotations,
  families,
  familyStatusChanges,
  qfHistory,
  receivedCases,
} from "../../../db/schema/index.ts";
import { AGENT_REPORTED_STATUSES } from "./hubee-case-path";

/**
 * Reading a family file as the commune's agents see it. Every read is scoped to the commune: an
 * id from another commune is "not found", never someone else's file. What agents do with it lives
 * beside: family-status-change.server.ts (status actions), owed-status-reports.server.ts (telling
 * HubEE), family-annotation.server.ts (the private note).
 */

export async function loadFamilyFile(db: Database, collectivityId: string, familyId: string) {
  if (!isUuid(familyId)) return null;
  const [family] = await db
    .select()
    .from(families)
    .where(and(eq(families.id, familyId), eq(families.collectivityId, collectivityId)));
  if (!family) return null;
  const [history, cases, attachments, changes, annotation] = await Promise.all([
    db
      .select()
      .from(qfHistory)
      .where(eq(qfHistory.familyId, familyId))
      .orderBy(desc(qfHistory.annee), desc(qfHistory.mois), desc(qfHistory.recordedAt)),
    db
      .select({
        id: receivedCases.id,
        reference: receivedCases.reference,
        hubeeStatus: receivedCases.hubeeStatus,
        ingestionError: receivedCases.ingestionError,
        transmittedAt: receivedCases.transmittedAt,
        receivedAt: receivedCases.receivedAt,
        statusReportedAt: receivedCases.statusReportedAt,
      })
      .from(receivedCases)
      .where(and(eq(receivedCases.familyId, familyId), eq(receivedCases.collectivityId, collectivityId)))
      .orderBy(desc(receivedCases.receivedAt)),
    db
      .select({
        id: caseAttachments.id,
        caseId: caseAttachments.caseId,
        fileName: caseAttachments.fileName,
        mimeType: caseAttachments.mimeType,
        size: caseAttachments.size,
        digestVerified: caseAttachments.digestVerified,
      })
      .from(caseAttachments)
      .innerJoin(receivedCases, eq(receivedCases.id, caseAttachments.caseId))
      .where(and(eq(receivedCases.familyId, familyId), eq(receivedCases.collectivityId, collectivityId)))
      .orderBy(desc(receivedCases.receivedAt), asc(caseAttachments.fileName)),
    db
      .select({
        id: familyStatusChanges.id,
        caseId: familyStatusChanges.caseId,
        fromStatus: familyStatusChanges.fromStatus,
        toStatus: familyStatusChanges.toStatus,
        message: familyStatusChanges.message,
        createdAt: familyStatusChanges.createdAt,
        agentGivenName: agents.givenName,
        agentUsualName: agents.usualName,
      })
      .from(familyStatusChanges)
      .leftJoin(agents, eq(agents.id, familyStatusChanges.agentId))
      .where(and(eq(familyStatusChanges.familyId, familyId), eq(familyStatusChanges.collectivityId, collectivityId)))
      .orderBy(asc(familyStatusChanges.createdAt)),
    db
      .select({ body: familyAnnotations.body, updatedAt: familyAnnotations.updatedAt })
      .from(familyAnnotations)
      .where(and(eq(familyAnnotations.familyId, familyId), eq(familyAnnotations.collectivityId, collectivityId))),
  ]);
  return {
    family,
    history,
    // A status change recorded but not yet accepted by HubEE (it was down): the worker sends it.
    cases: cases.map((c) => ({
      ...c,
      statusReportOwed: c.statusReportedAt === null && AGENT_REPORTED_STATUSES.includes(c.hubeeStatus),
    })),
    attachments,
    changes,
    annotation: annotation[0] ?? null,
  };
}

export type FamilyFile = NonNullable<Awaited<ReturnType<typeof loadFamilyFile>>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A malformed id would make PostgreSQL throw (500): it simply names no file. */
export const isUuid = (value: string | undefined): value is string => Boolean(value && UUID.test(value));

/** An attachment of one of the commune's files, bytes included; null when it is not theirs. */
export async function loadAttachment(db: Database, collectivityId: string, familyId: string, attachmentId: string) {
  if (!isUuid(familyId) || !isUuid(attachmentId)) return null;
  const [row] = await db
    .select({
      id: caseAttachments.id,
      fileName: caseAttachments.fileName,
      mimeType: caseAttachments.mimeType,
      content: caseAttachments.content,
    })
    .from(caseAttachments)
    .innerJoin(receivedCases, eq(receivedCases.id, caseAttachments.caseId))
    .where(
      and(
        eq(caseAttachments.id, attachmentId),
        eq(receivedCases.familyId, familyId),
        eq(receivedCases.collectivityId, collectivityId),
      ),
    );
  return row ?? null;
}
