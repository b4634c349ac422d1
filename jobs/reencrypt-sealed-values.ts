import { sql, type SQL } from "drizzle-orm";
import { shipmentAad } from "../app/citizen/shipment-delivery.server.ts";
import { idTokenAad } from "../app/portal/access/agent-session.server.ts";
import { settingsSecretAad } from "../app/portal/settings/settings-secrets.server.ts";
import { decrypt, DecryptionError, encrypt, keyId } from "../app/utils/encryption.server.ts";
import { endpointSecretAad } from "../app/webhooks/endpoint-secrets.server.ts";
import { queryRows, type Database } from "../db/client.ts";

/**
 * Re-seals with the current key everything at rest that an older key sealed, so the older key
 * can then leave ENCRYPTION_KEYS (docs/decisions/021-encryption-key-rotation.md). It works in
 * batches ordered by primary key and only ever picks values not yet sealed with the current key:
 * stopped at any point, the next run goes on where it is needed. Each update is conditional on the
 * value read, so a value rewritten meanwhile by the application is left as the application wrote it.
 *
 * Citizens' cookies and the QF lookups' hidden fields are sealed too but live minutes: they are
 * read with the older key while it is in the ring and simply expire.
 */

interface SealedColumn {
  /** What the report calls it: "table.column". */
  name: string;
  table: string;
  idColumn: string;
  column: string;
  /** Other columns the AAD is made of. */
  aadColumns: string[];
  aadOf(row: Record<string, unknown>): string;
}

export const SEALED_COLUMNS: SealedColumn[] = [
  {
    name: "shipments.payload_encrypted",
    table: "shipments",
    idColumn: "id",
    column: "payload_encrypted",
    aadColumns: ["reference"],
    aadOf: (row) => shipmentAad(String(row.reference)),
  },
  {
    name: "agent_sessions.id_token_encrypted",
    table: "agent_sessions",
    idColumn: "id_hash",
    column: "id_token_encrypted",
    aadColumns: [],
    aadOf: (row) => idTokenAad(String(row.id)),
  },
  ...(["hubee_si_secret", "api_particulier_token"] as const).map((secret) => ({
    name: `collectivity_settings.${secret}_encrypted`,
    table: "collectivity_settings",
    idColumn: "collectivity_id",
    column: `${secret}_encrypted`,
    aadColumns: [],
    aadOf: (row: Record<string, unknown>) => settingsSecretAad(String(row.id), secret),
  })),
  ...["secret_encrypted", "previous_secret_encrypted"].map((column) => ({
    name: `webhook_endpoints.${column}`,
    table: "webhook_endpoints",
    idColumn: "id",
    column,
    aadColumns: ["collectivity_id"],
    aadOf: (row: Record<string, unknown>) => endpointSecretAad(String(row.collectivity_id), String(row.id)),
  })),
];

export interface ReencryptionReport {
  /** Per column: values re-sealed with the current key. */
  resealed: Record<string, number>;
  /** Per column: values no key of the ring opens (left as they are, to be looked at). */
  unreadable: Record<string, number>;
}

const ident = (name: string): SQL => sql.raw(`"${name.replace(/"/g, '""')}"`);

export async function reencryptSealedValues(
  db: Database,
  currentKey: Buffer,
  { batchSize = 500, signal }: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<ReencryptionReport> {
  const current = `v2.${keyId(currentKey)}.%`;
  const report: ReencryptionReport = { resealed: {}, unreadable: {} };
  for (const target of SEALED_COLUMNS) {
    report.resealed[target.name] = 0;
    report.unreadable[target.name] = 0;
    let after = "";
    for (;;) {
      if (signal?.aborted) return report;
      const extra = target.aadColumns.map((column) => sql`, ${ident(column)}`);
      const rows = await queryRows<Record<string, unknown> & { id: string; sealed: string }>(
        db,
        sql`select ${ident(target.idColumn)}::text as id, ${ident(target.column)} as sealed${sql.join(extra, sql``)}
              from ${ident(target.table)}
             where ${ident(target.column)} is not null and ${ident(target.column)} not like ${current}
               and ${ident(target.idColumn)}::text > ${after}
             order by ${ident(target.idColumn)}::text
             limit ${batchSize}`,
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const aad = target.aadOf(row);
        let plaintext: string;
        try {
          plaintext = decrypt(row.sealed, currentKey, aad);
        } catch (error) {
          if (!(error instanceof DecryptionError)) throw error;
          report.unreadable[target.name]! += 1;
          continue;
        }
        await db.execute(
          sql`update ${ident(target.table)} set ${ident(target.column)} = ${encrypt(plaintext, currentKey, aad)}
               where ${ident(target.idColumn)}::text = ${row.id} and ${ident(target.column)} = ${row.sealed}`,
        );
        report.resealed[target.name]! += 1;
      }
      after = rows.at(-1)!.id;
    }
  }
  return report;
}
