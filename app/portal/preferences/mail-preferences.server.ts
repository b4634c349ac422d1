import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import {
  agentMailPreferences,
  memberships,
  OPTIONAL_MAIL_KINDS,
  type OptionalMailKind,
} from "../../../db/schema/index.ts";
import { recordAudit } from "~/audit/audit.server";
import { defaultPreference } from "~/mail/recipients.server";

/** An agent's optional mails: their choice, else the default (the digest on for administrators only). */

async function isAdministrator(db: Database, agentId: string): Promise<boolean> {
  const rows = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.agentId, agentId), eq(memberships.role, "admin")))
    .limit(1);
  return rows.length > 0;
}

export async function loadMailPreferences(db: Database, agentId: string): Promise<Record<OptionalMailKind, boolean>> {
  const isAdmin = await isAdministrator(db, agentId);
  const rows = await db.select().from(agentMailPreferences).where(eq(agentMailPreferences.agentId, agentId));
  return Object.fromEntries(
    OPTIONAL_MAIL_KINDS.map((kind) => [
      kind,
      rows.find((r) => r.kind === kind)?.enabled ?? defaultPreference(kind, isAdmin),
    ]),
  ) as Record<OptionalMailKind, boolean>;
}

/** Saves every choice at once (the page's one form); journaled as the agent's own change. */
export async function saveMailPreferences(
  db: Database,
  input: { agentId: string; choices: Record<OptionalMailKind, boolean>; requestId?: string | null; now?: Date },
): Promise<void> {
  const now = input.now ?? new Date();
  await db.transaction(async (t) => {
    for (const kind of OPTIONAL_MAIL_KINDS) {
      await t
        .insert(agentMailPreferences)
        .values({ agentId: input.agentId, kind, enabled: input.choices[kind], updatedAt: now })
        .onConflictDoUpdate({
          target: [agentMailPreferences.agentId, agentMailPreferences.kind],
          set: { enabled: input.choices[kind], updatedAt: now },
        });
    }
    await recordAudit(t, {
      actor: input.agentId,
      collectivityId: null,
      action: "mail_preferences.updated",
      targetType: "agent",
      targetId: input.agentId,
      requestId: input.requestId,
      details: { choices: input.choices },
    });
  });
}

/** One-click unsubscribe (RFC 8058): that kind of mail off, at once. */
export async function unsubscribeFromMail(
  db: Database,
  input: { agentId: string; kind: OptionalMailKind; requestId?: string | null; now?: Date },
): Promise<void> {
  const now = input.now ?? new Date();
  await db.transaction(async (t) => {
    await t
      .insert(agentMailPreferences)
      .values({ agentId: input.agentId, kind: input.kind, enabled: false, updatedAt: now })
      .onConflictDoUpdate({
        target: [agentMailPreferences.agentId, agentMailPreferences.kind],
        set: { enabled: false, updatedAt: now },
      });
    await recordAudit(t, {
      actor: input.agentId,
      collectivityId: null,
      action: "mail_preferences.unsubscribed",
      targetType: "agent",
      targetId: input.agentId,
      requestId: input.requestId,
      details: { kind: input.kind, via: "list-unsubscribe" },
    });
  });
}
