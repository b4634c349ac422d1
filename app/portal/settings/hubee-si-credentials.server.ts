import { and, eq, isNotNull } from "drizzle-orm";
import type { Database } from "../../../db/client.ts";
import { collectivities, collectivitySettings } from "../../../db/schema/index.ts";
import { logger } from "~/utils/logger.server";
import { openSettingsSecret } from "./settings-secrets.server";

/** A commune's HubEE SI credentials, decrypted: keep in memory only, never log. */
export interface CommuneHubeeSiCredentials {
  collectivityId: string;
  collectivityName: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Every active commune that has set its HubEE SI credentials in the portal settings (or only
 * `only`). A secret that does not decrypt (ENCRYPTION_KEY changed, row tampered with) skips that
 * commune with a warning: the others are still read.
 */
export async function loadHubeeSiCredentials(
  db: Database,
  encryptionKey: Buffer,
  only?: { collectivityId: string },
): Promise<CommuneHubeeSiCredentials[]> {
  const rows = await db
    .select({
      collectivityId: collectivities.id,
      collectivityName: collectivities.name,
      clientId: collectivitySettings.hubeeSiClientId,
      sealed: collectivitySettings.hubeeSiSecretEncrypted,
    })
    .from(collectivitySettings)
    .innerJoin(collectivities, eq(collectivities.id, collectivitySettings.collectivityId))
    .where(
      and(
        eq(collectivities.status, "active"),
        isNotNull(collectivitySettings.hubeeSiClientId),
        isNotNull(collectivitySettings.hubeeSiSecretEncrypted),
        only ? eq(collectivities.id, only.collectivityId) : undefined,
      ),
    )
    .orderBy(collectivities.name);

  const credentials: CommuneHubeeSiCredentials[] = [];
  for (const row of rows) {
    if (!row.clientId || !row.sealed) continue;
    try {
      const clientSecret = openSettingsSecret(encryptionKey, row.collectivityId, "hubee_si_secret", row.sealed);
      credentials.push({
        collectivityId: row.collectivityId,
        collectivityName: row.collectivityName,
        clientId: row.clientId,
        clientSecret,
      });
    } catch {
      logger.warn({ collectivityId: row.collectivityId }, "secret HubEE SI indéchiffrable, commune ignorée");
    }
  }
  return credentials;
}
