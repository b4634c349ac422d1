import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { families, qfHistory, type FamilyMember } from "../../../db/schema/index.ts";
import type { PivotIdentity } from "~/domain/pivot-identity";
import { quotientFamilialDataSchema, type QuotientFamilialData } from "~/domain/quotient-familial";
import { decryptJson, DecryptionError, encryptJson } from "~/utils/encryption.server";
import { emitWebhookEvent } from "~/webhooks/outbox.server";
import { recordAudit } from "../../audit/audit.server";
import { familyIdentityKey, familySearchText } from "../family-files/family-identity";

/**
 * Saving a lookup's answer as a family file of the commune. The answer travels back with the
 * "save" form sealed (encrypted and authenticated, bound to the agent and the commune), so what
 * is saved is exactly what API Particulier said, without a second call or a server-side cache.
 */

/** A sealed answer older than this is refused: the agent looks the QF up again. */
const SEALED_TTL_MS = 30 * 60_000;

export interface LookupResult {
  identity: PivotIdentity;
  data: QuotientFamilialData;
}

/** An opened seal: the answer and the lookup it came from, the key that makes its save idempotent. */
export interface SealedLookupResult extends LookupResult {
  lookupId: string;
}

interface SealedLookup extends SealedLookupResult {
  expiresAt: number;
}

const aadOf = (collectivityId: string, agentId: string) => `qf-lookup:${collectivityId}:${agentId}`;

export function sealLookupResult(
  key: Buffer,
  owner: { collectivityId: string; agentId: string },
  result: LookupResult,
  now = Date.now(),
): string {
  const sealed: SealedLookup = { ...result, lookupId: crypto.randomUUID(), expiresAt: now + SEALED_TTL_MS };
  return encryptJson(sealed, key, aadOf(owner.collectivityId, owner.agentId));
}

/** null when the seal was tampered with, belongs to another agent or commune, or expired. */
export function openLookupResult(
  key: Buffer,
  owner: { collectivityId: string; agentId: string },
  sealed: string,
  now = Date.now(),
): SealedLookupResult | null {
  let opened: SealedLookup;
  try {
    opened = decryptJson<SealedLookup>(sealed, key, aadOf(owner.collectivityId, owner.agentId));
  } catch (error) {
    if (error instanceof DecryptionError) return null;
    throw error;
  }
  if (typeof opened.expiresAt !== "number" || opened.expiresAt < now) return null;
  if (typeof opened.lookupId !== "string") return null;
  const data = quotientFamilialDataSchema.safeParse(opened.data);
  if (!data.success) return null;
  return { identity: opened.identity, data: data.data, lookupId: opened.lookupId };
}

export interface SavedFamily {
  familyId: string;
  /** false when the commune already had a file for this pivot identity (merged into it). */
  isNew: boolean;
  /** true when this lookup's answer had already been saved (a double click): nothing was written. */
  alreadySaved?: boolean;
}

const period = (annee: number, mois: number) => annee * 12 + mois;

/**
 * Adds the looked-up QF to the commune's file of this pivot identity (same key as the files
 * received by HubEE, so the same person merges), creating the file when there is none. The
 * QF history gets a `manual_lookup` row; the current QF, members and address change only if the
 * file knows no later month. The audit entry is written in the same transaction.
 *
 * Idempotent per lookup: the sealed answer names its lookup, the history row keeps that id
 * (unique), and a second save of the same answer (a double click, a resubmitted form) finds it
 * and writes nothing. Saves of one lookup are serialised by a transaction-scoped advisory lock,
 * so two posts racing each other cannot both pass the check.
 */
export async function saveLookupAsFamily(
  db: Database,
  input: {
    collectivityId: string;
    agentId: string;
    requestId: string | null;
    result: SealedLookupResult;
    now?: Date;
  },
): Promise<SavedFamily | null> {
  const qf = input.result.data.quotient_familial;
  if (!qf) return null;
  const { identity, data } = input.result;
  const now = input.now ?? new Date();
  const identityKey = familyIdentityKey(identity);
  const allocataires: FamilyMember[] = (data.allocataires ?? []).map(member);
  const enfants: FamilyMember[] = (data.enfants ?? []).map(member);
  const current = {
    qfValue: qf.valeur,
    qfAnnee: qf.annee,
    qfMois: qf.mois,
    qfProvider: qf.fournisseur,
    qfUpdatedAt: now,
    // A token without the family scopes leaves them out: what the file knew then stays.
    ...(data.allocataires || data.enfants
      ? {
          members: { allocataires, enfants },
          searchText: familySearchText(identity, [...allocataires, ...enfants]),
          childrenCount: enfants.length,
        }
      : { searchText: familySearchText(identity, []) }),
    ...(data.adresse ? { address: data.adresse } : {}),
    updatedAt: now,
  };

  return db.transaction(async (t) => {
    await t.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`qf-lookup:${input.result.lookupId}`}, 0))`);
    const [previous] = await t
      .select({ familyId: qfHistory.familyId })
      .from(qfHistory)
      .where(eq(qfHistory.lookupId, input.result.lookupId));
    if (previous) return { familyId: previous.familyId, isNew: false, alreadySaved: true };

    const [inserted] = await t
      .insert(families)
      .values({
        collectivityId: input.collectivityId,
        identityKey,
        familyName: identity.familyName,
        givenNames: identity.givenNames.join(" "),
        gender: identity.gender,
        birthdate: identity.birthdate,
        birthplace: identity.birthplace,
        birthcountry: identity.birthcountry,
        birthplaceName: identity.formerBirthplace?.name ?? null,
        birthDepartement: identity.formerBirthplace?.departement ?? null,
        status: "received",
        receivedAt: now,
        createdAt: now,
        ...current,
      })
      .onConflictDoNothing({ target: [families.collectivityId, families.identityKey] })
      .returning({ id: families.id });
    let saved: SavedFamily;
    if (inserted) saved = { familyId: inserted.id, isNew: true };
    else {
      const [existing] = await t
        .select()
        .from(families)
        .where(and(eq(families.collectivityId, input.collectivityId), eq(families.identityKey, identityKey)))
        .for("update");
      if (!existing) throw new Error("family file vanished during the save");
      // The current QF moves only forward in time; the status is the agents' own, left as it is.
      const supersedes =
        existing.qfAnnee === null ||
        existing.qfMois === null ||
        period(qf.annee, qf.mois) >= period(existing.qfAnnee, existing.qfMois);
      // Without members in the answer, the names the file is searched by stay as they were.
      const update = data.allocataires || data.enfants ? current : { ...current, searchText: undefined };
      if (supersedes) await t.update(families).set(update).where(eq(families.id, existing.id));
      saved = { familyId: existing.id, isNew: false };
      // The commune's systems hear of a changed current QF, as for transmissions and campaigns.
      if (supersedes && existing.qfValue !== qf.valeur) {
        await emitWebhookEvent(
          t,
          input.collectivityId,
          {
            type: "qf.mis_a_jour",
            data: {
              dossier_id: existing.id,
              ancienne_valeur: existing.qfValue,
              nouveau: { valeur: qf.valeur, annee: qf.annee, mois: qf.mois, fournisseur: qf.fournisseur },
              origine: "recherche_manuelle",
              campagne_id: null,
            },
          },
          now,
        );
      }
    }
    await t.insert(qfHistory).values({
      familyId: saved.familyId,
      value: qf.valeur,
      annee: qf.annee,
      mois: qf.mois,
      provider: qf.fournisseur,
      source: "manual_lookup",
      lookupId: input.result.lookupId,
      recordedAt: now,
    });
    await recordAudit(t, {
      actor: input.agentId,
      collectivityId: input.collectivityId,
      action: "qf_lookup.saved",
      targetType: "family",
      targetId: saved.familyId,
      requestId: input.requestId,
      details: { isNew: saved.isNew },
    });
    return saved;
  });
}

function member(person: NonNullable<QuotientFamilialData["allocataires"]>[number]): FamilyMember {
  return {
    nom_naissance: person.nom_naissance,
    nom_usage: person.nom_usage ?? null,
    prenoms: person.prenoms,
    date_naissance: person.date_naissance,
    sexe: person.sexe,
  };
}
