import { eq } from "drizzle-orm";
import { DecryptionError } from "~/utils/encryption.server";
import { logger } from "~/utils/logger.server";
import type { Database } from "../../../db/client.ts";
import { collectivities, collectivitySettings } from "../../../db/schema/index.ts";
import { recordAudit } from "../../audit/audit.server";
import type { PublicPageDetails } from "./public-page-details";
import { openSettingsSecret, sealSettingsSecret } from "./settings-secrets.server";
import { assertCredentialText } from "./credential-characters";

/**
 * A commune's settings. Secrets go in sealed and never come out to a page:
 * the view says only when they were set. The worker and the connection tests
 * read them through getHubeeSiCredentials / getApiParticulierToken.
 */

export interface SettingsView {
  hubeeSi: { clientId: string | null; secretConfiguredAt: Date | null };
  apiParticulier: { tokenConfiguredAt: Date | null };
  redirectOrigins: string[];
  publicPage: PublicPageDetails;
}

export async function getSettingsView(db: Database, collectivityId: string): Promise<SettingsView> {
  const [row] = await db
    .select({
      hubeeSiClientId: collectivitySettings.hubeeSiClientId,
      hubeeSiUpdatedAt: collectivitySettings.hubeeSiUpdatedAt,
      hasHubeeSecret: collectivitySettings.hubeeSiSecretEncrypted,
      apiParticulierTokenUpdatedAt: collectivitySettings.apiParticulierTokenUpdatedAt,
      hasToken: collectivitySettings.apiParticulierTokenEncrypted,
      contactEmail: collectivitySettings.contactEmail,
      contactPhone: collectivitySettings.contactPhone,
      website: collectivitySettings.website,
    })
    .from(collectivitySettings)
    .where(eq(collectivitySettings.collectivityId, collectivityId));
  const [collectivity] = await db
    .select({ redirectOrigins: collectivities.redirectOrigins })
    .from(collectivities)
    .where(eq(collectivities.id, collectivityId));
  return {
    hubeeSi: {
      clientId: row?.hubeeSiClientId ?? null,
      secretConfiguredAt: row?.hasHubeeSecret ? (row.hubeeSiUpdatedAt ?? null) : null,
    },
    apiParticulier: { tokenConfiguredAt: row?.hasToken ? (row.apiParticulierTokenUpdatedAt ?? null) : null },
    redirectOrigins: collectivity?.redirectOrigins ?? [],
    publicPage: {
      contactEmail: row?.contactEmail ?? null,
      contactPhone: row?.contactPhone ?? null,
      website: row?.website ?? null,
    },
  };
}

interface Change {
  collectivityId: string;
  actor: string;
  requestId?: string | null;
  now?: Date;
}

type SettingsRow = Partial<typeof collectivitySettings.$inferInsert>;

async function upsertSettings(db: Database, change: Change, set: SettingsRow, section: string, fields: string[]) {
  const now = change.now ?? new Date();
  const values = { ...set, updatedAt: now, updatedBy: change.actor };
  await db.transaction(async (t) => {
    await t
      .insert(collectivitySettings)
      .values({ collectivityId: change.collectivityId, ...values })
      .onConflictDoUpdate({ target: collectivitySettings.collectivityId, set: values });
    // Which fields changed, never their values.
    await recordAudit(t, {
      actor: change.actor,
      collectivityId: change.collectivityId,
      action: "settings.updated",
      targetType: "collectivity",
      targetId: change.collectivityId,
      requestId: change.requestId,
      details: { section, fields },
    });
  });
}

/** `clientSecret` null keeps the stored secret (the form never shows it back, so an empty field means "unchanged"). */
export async function saveHubeeSiCredentials(
  db: Database,
  change: Change & { key: Buffer; clientId: string; clientSecret: string | null },
): Promise<void> {
  assertCredentialText(change.clientId, "HubEE client id");
  if (change.clientSecret) assertCredentialText(change.clientSecret, "HubEE client secret");
  const now = change.now ?? new Date();
  const set: SettingsRow = { hubeeSiClientId: change.clientId, hubeeSiUpdatedAt: now };
  const fields = ["hubeeSiClientId"];
  if (change.clientSecret) {
    set.hubeeSiSecretEncrypted = sealSettingsSecret(
      change.key,
      change.collectivityId,
      "hubee_si_secret",
      change.clientSecret,
    );
    fields.push("hubeeSiSecret");
  }
  await upsertSettings(db, { ...change, now }, set, "hubee", fields);
}

export async function saveApiParticulierToken(
  db: Database,
  change: Change & { key: Buffer; token: string },
): Promise<void> {
  assertCredentialText(change.token, "API Particulier token");
  const now = change.now ?? new Date();
  await upsertSettings(
    db,
    { ...change, now },
    {
      apiParticulierTokenEncrypted: sealSettingsSecret(
        change.key,
        change.collectivityId,
        "api_particulier_token",
        change.token,
      ),
      apiParticulierTokenUpdatedAt: now,
    },
    "api_particulier",
    ["apiParticulierToken"],
  );
}

export async function savePublicPageDetails(
  db: Database,
  change: Change & { details: PublicPageDetails },
): Promise<void> {
  await upsertSettings(db, change, { ...change.details }, "public_page", Object.keys(change.details));
}

export async function saveRedirectOrigins(db: Database, change: Change & { origins: string[] }): Promise<void> {
  await db.transaction(async (t) => {
    await t
      .update(collectivities)
      .set({ redirectOrigins: change.origins, updatedAt: change.now ?? new Date() })
      .where(eq(collectivities.id, change.collectivityId));
    await recordAudit(t, {
      actor: change.actor,
      collectivityId: change.collectivityId,
      action: "settings.updated",
      targetType: "collectivity",
      targetId: change.collectivityId,
      requestId: change.requestId,
      details: { section: "redirect_origins", fields: ["redirectOrigins"], count: change.origins.length },
    });
  });
}

export interface HubeeSiCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * The commune's HubEE SI credentials, decrypted, for the inbox worker and the
 * connection test; null when not (fully) configured or sealed with another key.
 */
export async function getHubeeSiCredentials(
  db: Database,
  collectivityId: string,
  key: Buffer,
): Promise<HubeeSiCredentials | null> {
  const [row] = await db
    .select({ clientId: collectivitySettings.hubeeSiClientId, sealed: collectivitySettings.hubeeSiSecretEncrypted })
    .from(collectivitySettings)
    .where(eq(collectivitySettings.collectivityId, collectivityId));
  if (!row?.clientId || !row.sealed) return null;
  const clientSecret = openOrNull(key, collectivityId, "hubee_si_secret", row.sealed);
  return clientSecret === null ? null : { clientId: row.clientId, clientSecret };
}

/** The commune's API Particulier token, decrypted; null when not configured or unreadable. */
export async function getApiParticulierToken(
  db: Database,
  collectivityId: string,
  key: Buffer,
): Promise<string | null> {
  const [row] = await db
    .select({ sealed: collectivitySettings.apiParticulierTokenEncrypted })
    .from(collectivitySettings)
    .where(eq(collectivitySettings.collectivityId, collectivityId));
  return row?.sealed ? openOrNull(key, collectivityId, "api_particulier_token", row.sealed) : null;
}

function openOrNull(
  key: Buffer,
  collectivityId: string,
  secret: "hubee_si_secret" | "api_particulier_token",
  sealed: string,
) {
  try {
    return openSettingsSecret(key, collectivityId, secret, sealed);
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    // ENCRYPTION_KEY changed, or the row was tampered with: the administrator must enter it again.
    logger.error({ collectivityId, secretName: secret }, "commune secret cannot be decrypted");
    return null;
  }
}

/** The public page details of a commune (for the citizen-facing page). */
export async function getPublicPageDetails(db: Database, collectivityId: string): Promise<PublicPageDetails> {
  return (await getSettingsView(db, collectivityId)).publicPage;
}
