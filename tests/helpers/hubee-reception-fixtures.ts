import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import {
  caseAttachments,
  collectivitySettings,
  families,
  hubeeInboxPolls,
  qfHistory,
  receivedCases,
} from "../../db/schema/index.ts";
import { sealSettingsSecret } from "../../app/portal/settings/settings-secrets.server.ts";

/** Before each reception test: no family, case, inbox schedule or commune credentials left. */
export async function clearReception(db: Database): Promise<void> {
  await db.execute(
    sql`truncate table ${qfHistory}, ${caseAttachments}, ${receivedCases}, ${families}, ${hubeeInboxPolls}, ${collectivitySettings} cascade`,
  );
}

/**
 * A commune's HubEE SI credentials as its administrator saves them: the secret sealed for that
 * commune (`sealedFor` another one makes a secret that does not decrypt).
 */
export async function storeHubeeSiCredentials(
  db: Database,
  encryptionKey: Buffer,
  credentials: { collectivityId: string; clientId: string; secret: string; sealedFor?: string },
): Promise<void> {
  const { collectivityId } = credentials;
  await db.insert(collectivitySettings).values({
    collectivityId,
    hubeeSiClientId: credentials.clientId,
    hubeeSiSecretEncrypted: sealSettingsSecret(
      encryptionKey,
      credentials.sealedFor ?? collectivityId,
      "hubee_si_secret",
      credentials.secret,
    ),
  });
}
