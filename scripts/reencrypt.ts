import { loadConfigOrExit } from "../app/boot.server.ts";
import { closeDatabase, initDatabase } from "../app/db.server.ts";
import { keyFromBase64 } from "../app/utils/encryption.server.ts";
import { reencryptSealedValues } from "../jobs/reencrypt-sealed-values.ts";

// `npm run keys:reencrypt`: re-seals with the first key of ENCRYPTION_KEYS everything an older key
// sealed. Safe to stop and run again; prints what it did per column, never a value.
const config = loadConfigOrExit();
const { db } = await initDatabase();
const report = await reencryptSealedValues(db, keyFromBase64(config.ENCRYPTION_KEY));
let unreadable = 0;
for (const [column, count] of Object.entries(report.resealed)) {
  const lost = report.unreadable[column] ?? 0;
  unreadable += lost;
  process.stdout.write(
    `${column} : ${count} rechiffrée(s)${lost ? `, ${lost} illisible(s) avec les clés fournies` : ""}\n`,
  );
}
process.stdout.write(
  unreadable === 0
    ? `Terminé : tout est chiffré avec la clé « ${config.encryptionKeyring[0]!.id} ». Les autres clés peuvent quitter ENCRYPTION_KEYS.\n`
    : `Terminé, mais ${unreadable} valeur(s) ne s’ouvrent avec aucune clé fournie : gardez les anciennes clés tant que ce n’est pas compris.\n`,
);
await closeDatabase();
process.exit(unreadable === 0 ? 0 : 2);
