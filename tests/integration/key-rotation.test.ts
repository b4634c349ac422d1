import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { agentSessions, collectivitySettings, shipments, webhookEndpoints } from "../../db/schema/index.ts";
import { shipmentAad } from "../../app/citizen/shipment-delivery.server.ts";
import { idTokenAad } from "../../app/portal/access/agent-session.server.ts";
import { openSettingsSecret, sealSettingsSecret } from "../../app/portal/settings/settings-secrets.server.ts";
import {
  decrypt,
  decryptJson,
  DecryptionError,
  encrypt,
  encryptJson,
  installDecryptionKeys,
  keyId,
} from "../../app/utils/encryption.server.ts";
import { endpointSecrets, sealEndpointSecret } from "../../app/webhooks/endpoint-secrets.server.ts";
import { reencryptSealedValues, SEALED_COLUMNS } from "../../jobs/reencrypt-sealed-values.ts";
import { createAgent, createCommune } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  installDecryptionKeys([]);
  await handle?.close();
});
afterEach(() => installDecryptionKeys([]));

const oldKey = crypto.randomBytes(32);
const newKey = crypto.randomBytes(32);

/** A value sealed before key ids existed (`v1.<iv>.<tag>.<ciphertext>`). */
function legacySeal(plaintext: string, key: Buffer, aad: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), ciphertext]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

describe("encryption key rotation", () => {
  it("rotates: reads old data, re-seals it with the new key, then reads it without the old key", async () => {
    const { db } = handle;
    const commune = await createCommune(db, "Rotation-sur-Loire", 701);
    const agent = await createAgent(db, { email: "agent.rotation@example.fr" });

    // Everything at rest sealed with the old key, one value in the legacy format.
    await db.insert(collectivitySettings).values({
      collectivityId: commune.id,
      hubeeSiClientId: "si-client",
      hubeeSiSecretEncrypted: sealSettingsSecret(oldKey, commune.id, "hubee_si_secret", "secret-hubee-si"),
      apiParticulierTokenEncrypted: legacySeal(
        "jeton-api-particulier",
        oldKey,
        `collectivity-settings:${commune.id}:api_particulier_token`,
      ),
    });
    const endpointId = crypto.randomUUID();
    await db.insert(webhookEndpoints).values({
      id: endpointId,
      collectivityId: commune.id,
      url: "https://editeur.example.fr/webhooks",
      events: ["qf.mis_a_jour"],
      secretEncrypted: sealEndpointSecret(oldKey, commune.id, endpointId, "whsec_actuel"),
      previousSecretEncrypted: sealEndpointSecret(oldKey, commune.id, endpointId, "whsec_precedent"),
      previousSecretExpiresAt: new Date(Date.now() + 3_600_000),
    });
    const reference = "ABCDEF1234567";
    await db.insert(shipments).values({
      reference,
      idempotencyKey: "rotation-1",
      collectivityId: commune.id,
      payloadEncrypted: encryptJson({ qf: 4270 }, oldKey, shipmentAad(reference)),
    });
    const idHash = "a".repeat(64);
    await db.insert(agentSessions).values({
      idHash,
      agentId: agent.id,
      expiresAt: new Date(Date.now() + 3_600_000),
      idTokenEncrypted: encrypt("id-token-proconnect", oldKey, idTokenAad(idHash)),
    });

    const readAll = async (key: Buffer) => {
      const [settings] = await db
        .select()
        .from(collectivitySettings)
        .where(eq(collectivitySettings.collectivityId, commune.id));
      const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
      const [shipment] = await db.select().from(shipments).where(eq(shipments.reference, reference));
      const [session] = await db.select().from(agentSessions).where(eq(agentSessions.idHash, idHash));
      return {
        hubee: openSettingsSecret(key, commune.id, "hubee_si_secret", settings!.hubeeSiSecretEncrypted!),
        token: openSettingsSecret(key, commune.id, "api_particulier_token", settings!.apiParticulierTokenEncrypted!),
        webhook: endpointSecrets(endpoint!, key, new Date()),
        shipment: decryptJson(shipment!.payloadEncrypted!, key, shipmentAad(reference)),
        idToken: decrypt(session!.idTokenEncrypted!, key, idTokenAad(idHash)),
        raw: [
          settings!.hubeeSiSecretEncrypted!,
          settings!.apiParticulierTokenEncrypted!,
          endpoint!.secretEncrypted,
          endpoint!.previousSecretEncrypted!,
          shipment!.payloadEncrypted!,
          session!.idTokenEncrypted!,
        ],
      };
    };
    const expected = {
      hubee: "secret-hubee-si",
      token: "jeton-api-particulier",
      webhook: ["whsec_actuel", "whsec_precedent"],
      shipment: { qf: 4270 },
      idToken: "id-token-proconnect",
    };

    // The new key alone cannot read what the old one sealed.
    installDecryptionKeys([newKey]);
    await expect(readAll(newKey)).rejects.toThrow(DecryptionError);

    // Rotation step 1: ENCRYPTION_KEYS=new,old. The application passes the new key and reads everything.
    installDecryptionKeys([newKey, oldKey]);
    expect(await readAll(newKey)).toMatchObject(expected);

    // Step 2: re-seal, in batches smaller than the data, as many times as one likes.
    const report = await reencryptSealedValues(db, newKey, { batchSize: 1 });
    expect(report.resealed).toEqual({
      "shipments.payload_encrypted": 1,
      "agent_sessions.id_token_encrypted": 1,
      "collectivity_settings.hubee_si_secret_encrypted": 1,
      "collectivity_settings.api_particulier_token_encrypted": 1,
      "webhook_endpoints.secret_encrypted": 1,
      "webhook_endpoints.previous_secret_encrypted": 1,
    });
    expect(Object.values(report.unreadable).every((n) => n === 0)).toBe(true);
    const again = await reencryptSealedValues(db, newKey);
    expect(Object.values(again.resealed).every((n) => n === 0)).toBe(true);

    // Step 3: ENCRYPTION_KEYS=new. Everything still reads, every value names the new key.
    installDecryptionKeys([newKey]);
    const after = await readAll(newKey);
    expect(after).toMatchObject(expected);
    for (const sealed of after.raw) expect(sealed.startsWith(`v2.${keyId(newKey)}.`)).toBe(true);
  });

  it("leaves a value no key opens where it is, and says so", async () => {
    const { db } = handle;
    const commune = await createCommune(db, "Illisible-les-Bains", 702);
    const strangerKey = crypto.randomBytes(32);
    await db.insert(collectivitySettings).values({
      collectivityId: commune.id,
      apiParticulierTokenEncrypted: sealSettingsSecret(strangerKey, commune.id, "api_particulier_token", "x"),
    });
    installDecryptionKeys([newKey, oldKey]);
    const report = await reencryptSealedValues(db, newKey);
    expect(report.unreadable["collectivity_settings.api_particulier_token_encrypted"]).toBe(1);
    const [row] = await db
      .select()
      .from(collectivitySettings)
      .where(eq(collectivitySettings.collectivityId, commune.id));
    expect(row!.apiParticulierTokenEncrypted!.startsWith(`v2.${keyId(strangerKey)}.`)).toBe(true);
  });

  it("knows every sealed column of the schema", async () => {
    // A new encrypted column must be added to SEALED_COLUMNS, or a rotation would leave it behind.
    const { queryRows } = await import("../../db/client.ts");
    const { sql } = await import("drizzle-orm");
    const columns = await queryRows<{ name: string }>(
      handle.db,
      sql`select table_name || '.' || column_name as name from information_schema.columns
           where table_schema = 'public' and column_name like '%encrypted%' order by 1`,
    );
    expect(columns.map((c) => c.name).sort()).toEqual(SEALED_COLUMNS.map((c) => c.name).sort());
  });
});
