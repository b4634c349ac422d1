import { and, asc, desc, eq } from "drizzle-orm";
import { recordAudit } from "~/audit/audit.server";
import { memoizedForRequest } from "~/http/request-memo.server";
import { parsePriceRule } from "~/domain/pricing/rule-schema";
import type { PriceRule, ServiceUnit } from "~/domain/pricing/rules";
import { publicationConflict } from "~/domain/pricing/versions";
import type { Database } from "../../../db/client.ts";
import { tariffServices, tariffVersions } from "../../../db/schema/index.ts";
import type { ServiceForm } from "./tariff-forms";

/*
 * A commune's services and their versions. Every read and write is scoped by the commune's id
 * (the caller got it from requireMembership), and every change is journaled in the same step.
 */

export interface TariffVersion {
  id: string;
  serviceId: string;
  status: "draft" | "published";
  validFrom: string;
  rule: PriceRule;
  publishedAt: Date | null;
}

export interface TariffService {
  id: string;
  name: string;
  unit: ServiceUnit;
  perChild: boolean;
  expectedUnitsPerYear: number | null;
  /** Oldest start date first. */
  versions: TariffVersion[];
}

export interface Actor {
  agentId: string;
  collectivityId: string;
  requestId?: string;
}

/** The commune's services with all their versions (a rule that no longer parses is left out). */
export function loadTariffServices(db: Database, collectivityId: string): Promise<TariffService[]> {
  // The inbox reads them for its price filter, its price columns and its filter form: once per request.
  return memoizedForRequest(`tariff-services:${collectivityId}`, () => readTariffServices(db, collectivityId));
}

async function readTariffServices(db: Database, collectivityId: string): Promise<TariffService[]> {
  const [services, versions] = await Promise.all([
    db
      .select()
      .from(tariffServices)
      .where(eq(tariffServices.collectivityId, collectivityId))
      .orderBy(asc(tariffServices.name)),
    db
      .select()
      .from(tariffVersions)
      .where(eq(tariffVersions.collectivityId, collectivityId))
      .orderBy(asc(tariffVersions.validFrom), asc(tariffVersions.createdAt)),
  ]);
  return services.map((service) => ({
    id: service.id,
    name: service.name,
    unit: service.unit as ServiceUnit,
    perChild: service.perChild,
    expectedUnitsPerYear: service.expectedUnitsPerYear,
    versions: versions.flatMap((version) => {
      const rule = parsePriceRule(version.rule);
      if (version.serviceId !== service.id || !rule) return [];
      return [
        {
          id: version.id,
          serviceId: version.serviceId,
          status: version.status,
          validFrom: version.validFrom,
          rule,
          publishedAt: version.publishedAt,
        },
      ];
    }),
  }));
}

export async function loadTariffService(
  db: Database,
  collectivityId: string,
  serviceId: string,
): Promise<TariffService | null> {
  if (!/^[0-9a-f-]{36}$/i.test(serviceId)) return null;
  const services = await loadTariffServices(db, collectivityId);
  return services.find((service) => service.id === serviceId) ?? null;
}

export type SaveOutcome<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

const duplicateName = { ok: false as const, errors: { name: "La commune a déjà un service de ce nom." } };

function isUniqueViolation(error: unknown): boolean {
  const code =
    (error as { code?: string; cause?: { code?: string } }).code ??
    (error as { cause?: { code?: string } }).cause?.code;
  return code === "23505";
}

export async function createTariffService(db: Database, actor: Actor, form: ServiceForm): Promise<SaveOutcome<string>> {
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(tariffServices)
        .values({ collectivityId: actor.collectivityId, ...form })
        .returning({ id: tariffServices.id });
      await recordAudit(tx, {
        actor: actor.agentId,
        collectivityId: actor.collectivityId,
        action: "tariff_service.created",
        targetType: "tariff_service",
        targetId: row!.id,
        requestId: actor.requestId,
        details: { unit: form.unit, perChild: form.perChild },
      });
      return { ok: true as const, value: row!.id };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return duplicateName;
    throw error;
  }
}

export async function updateTariffService(
  db: Database,
  actor: Actor,
  serviceId: string,
  form: ServiceForm,
): Promise<SaveOutcome<null>> {
  try {
    return await db.transaction(async (tx) => {
      await tx
        .update(tariffServices)
        .set(form)
        .where(and(eq(tariffServices.id, serviceId), eq(tariffServices.collectivityId, actor.collectivityId)));
      await recordAudit(tx, {
        actor: actor.agentId,
        collectivityId: actor.collectivityId,
        action: "tariff_service.updated",
        targetType: "tariff_service",
        targetId: serviceId,
        requestId: actor.requestId,
        details: { unit: form.unit, perChild: form.perChild },
      });
      return { ok: true as const, value: null };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return duplicateName;
    throw error;
  }
}

/** Creates a draft, or updates one (never a published version: those are frozen). */
export async function saveDraftVersion(
  db: Database,
  actor: Actor,
  service: TariffService,
  draft: { versionId: string | null; validFrom: string; rule: PriceRule },
): Promise<SaveOutcome<string>> {
  // Checked again on the way in: the form and the stored shape must agree.
  if (!parsePriceRule(draft.rule)) return { ok: false, errors: { kind: "La règle est incomplète." } };
  return db.transaction(async (tx): Promise<SaveOutcome<string>> => {
    let id = draft.versionId;
    if (id) {
      const updated = await tx
        .update(tariffVersions)
        .set({ validFrom: draft.validFrom, rule: { ...draft.rule }, updatedAt: new Date() })
        .where(
          and(
            eq(tariffVersions.id, id),
            eq(tariffVersions.serviceId, service.id),
            eq(tariffVersions.collectivityId, actor.collectivityId),
            eq(tariffVersions.status, "draft"),
          ),
        )
        .returning({ id: tariffVersions.id });
      if (updated.length === 0) {
        return {
          ok: false as const,
          errors: { _form: "Cette version est publiée : elle ne peut plus être modifiée." },
        };
      }
    } else {
      const [row] = await tx
        .insert(tariffVersions)
        .values({
          serviceId: service.id,
          collectivityId: actor.collectivityId,
          validFrom: draft.validFrom,
          rule: { ...draft.rule },
        })
        .returning({ id: tariffVersions.id });
      id = row!.id;
    }
    await recordAudit(tx, {
      actor: actor.agentId,
      collectivityId: actor.collectivityId,
      action: draft.versionId ? "tariff_version.updated" : "tariff_version.drafted",
      targetType: "tariff_service",
      targetId: service.id,
      requestId: actor.requestId,
      details: { versionId: id, kind: draft.rule.kind, validFrom: draft.validFrom },
    });
    return { ok: true as const, value: id };
  });
}

/**
 * Publishes a draft from `validFrom`. The check and the write share a transaction that locks
 * the service's row, so two administrators publishing at once cannot both pass the check.
 */
export async function publishVersion(
  db: Database,
  actor: Actor,
  serviceId: string,
  versionId: string,
  validFrom: string,
): Promise<SaveOutcome<null>> {
  return db.transaction(async (tx): Promise<SaveOutcome<null>> => {
    const [service] = await tx
      .select({ id: tariffServices.id })
      .from(tariffServices)
      .where(and(eq(tariffServices.id, serviceId), eq(tariffServices.collectivityId, actor.collectivityId)))
      .for("update");
    if (!service) return { ok: false as const, errors: { _form: "Service introuvable." } };
    const versions = await tx
      .select({ id: tariffVersions.id, status: tariffVersions.status, validFrom: tariffVersions.validFrom })
      .from(tariffVersions)
      .where(eq(tariffVersions.serviceId, serviceId))
      .orderBy(desc(tariffVersions.validFrom));
    const version = versions.find((v) => v.id === versionId);
    if (!version || version.status !== "draft") {
      return { ok: false as const, errors: { _form: "Cette version est déjà publiée." } };
    }
    const conflict = publicationConflict(versions, validFrom);
    if (conflict) return { ok: false as const, errors: { validFrom: conflict } };
    await tx
      .update(tariffVersions)
      .set({
        status: "published",
        validFrom,
        publishedAt: new Date(),
        publishedBy: actor.agentId,
        updatedAt: new Date(),
      })
      .where(eq(tariffVersions.id, versionId));
    await recordAudit(tx, {
      actor: actor.agentId,
      collectivityId: actor.collectivityId,
      action: "tariff_version.published",
      targetType: "tariff_service",
      targetId: serviceId,
      requestId: actor.requestId,
      details: { versionId, validFrom },
    });
    return { ok: true as const, value: null };
  });
}

/** Deletes a draft (a published version stays, readable, for ever). */
export async function deleteDraftVersion(
  db: Database,
  actor: Actor,
  serviceId: string,
  versionId: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const deleted = await tx
      .delete(tariffVersions)
      .where(
        and(
          eq(tariffVersions.id, versionId),
          eq(tariffVersions.serviceId, serviceId),
          eq(tariffVersions.collectivityId, actor.collectivityId),
          eq(tariffVersions.status, "draft"),
        ),
      )
      .returning({ id: tariffVersions.id });
    if (deleted.length === 0) return false;
    await recordAudit(tx, {
      actor: actor.agentId,
      collectivityId: actor.collectivityId,
      action: "tariff_version.deleted",
      targetType: "tariff_service",
      targetId: serviceId,
      requestId: actor.requestId,
      details: { versionId },
    });
    return true;
  });
}
