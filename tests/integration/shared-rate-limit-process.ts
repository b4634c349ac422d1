import { openDatabase } from "../../db/client.ts";
import { checkSharedRateLimit } from "../../app/http/shared-rate-limit.server.ts";

/**
 * Another web process, for shared-rate-limit.test.ts: opens its own pool on DATABASE_URL, asks
 * the limiter `count` times for `key` and prints whether each call was allowed (one JSON line).
 * Usage: tsx shared-rate-limit-process.ts <key> <limit> <windowMs> <count>
 */
const [key, limit, windowMs, count] = process.argv.slice(2);
const handle = await openDatabase({ databaseUrl: process.env.DATABASE_URL!, maxConnections: 2, migrate: false });
try {
  const results = [];
  for (let i = 0; i < Number(count); i++) {
    results.push(await checkSharedRateLimit(handle.db, key!, { limit: Number(limit), windowMs: Number(windowMs) }));
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
} finally {
  await handle.close();
}
