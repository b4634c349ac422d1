import { lt, sql } from "drizzle-orm";
import { queryRows, type Database } from "../../db/client.ts";
import { rateLimitWindows } from "../../db/schema/index.ts";
import type { RateLimitOptions, RateLimitResult } from "./rate-limit.server";

/**
 * Sliding-window rate limiting kept in the database, for limits that protect personal data
 * (an agent's QF lookups by identity): every web process counts in the same row, and a
 * restart forgets nothing. Public forms keep the in-memory limiter (rate-limit.server.ts),
 * which costs no database write per refused request.
 *
 * The row is locked for the check, so two processes cannot both take the last slot.
 * Refused requests are not recorded: a caller that waits `retryAfterSeconds` gets through.
 */
export async function checkSharedRateLimit(
  db: Database,
  key: string,
  { limit, windowMs }: RateLimitOptions,
): Promise<RateLimitResult> {
  if (!Number.isInteger(limit) || limit < 1 || !(windowMs > 0)) throw new RangeError("invalid rate limit options");
  const windowSecs = windowMs / 1000;
  return db.transaction(async (database) => {
    await database.execute(sql`insert into ${rateLimitWindows} (key) values (${key}) on conflict (key) do nothing`);
    // clock_timestamp(): now() is frozen at the start of the transaction, which may have waited for the lock.
    const [row] = await queryRows<{ recent_ms: number[] | string | null; now_ms: number }>(
      database,
      sql`select array(select (extract(epoch from h) * 1000)::float8 from unnest(hits) as h
                       where h > clock_timestamp() - make_interval(secs => ${windowSecs}::float8)
                       order by h) as recent_ms,
                 (extract(epoch from clock_timestamp()) * 1000)::float8 as now_ms
          from ${rateLimitWindows} where key = ${key} for update`,
    );
    const recent = parseFloatArray(row?.recent_ms);
    if (recent.length >= limit) {
      // The request that frees a slot is the one that leaves the window first.
      const freeAt = recent[recent.length - limit]! + windowMs;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - Number(row!.now_ms)) / 1000)) };
    }
    await database.execute(
      sql`update ${rateLimitWindows}
          set hits = array(select h from unnest(hits) as h
                           where h > clock_timestamp() - make_interval(secs => ${windowSecs}::float8)
                           order by h) || clock_timestamp(),
              updated_at = clock_timestamp()
          where key = ${key}`,
    );
    return { allowed: true, retryAfterSeconds: 0 };
  });
}

/** Keys untouched for `olderThanMs` hold no hit in any window we use: the daily purge drops them. */
export async function purgeIdleRateLimitWindows(db: Database, olderThanMs = 86_400_000, now = new Date()) {
  const cutoff = new Date(now.getTime() - olderThanMs).toISOString();
  const deleted = await db
    .delete(rateLimitWindows)
    .where(lt(rateLimitWindows.updatedAt, sql`${cutoff}::timestamptz`))
    .returning({ key: rateLimitWindows.key });
  return deleted.length;
}

/** postgres.js parses float8[] into numbers; PGlite may hand back the array literal. */
function parseFloatArray(value: number[] | string | null | undefined): number[] {
  if (!value) return [];
  if (Array.isArray(value)) return value.map(Number);
  const inner = value.replace(/^\{|\}$/g, "");
  return inner ? inner.split(",").map(Number) : [];
}
