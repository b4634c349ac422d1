import type postgres from "postgres";

/**
 * Key of the PostgreSQL advisory lock every migrator takes (boot of the web and worker
 * processes, `npm run db:migrate`). Fixed for good: instances of an old and a new version must
 * agree on it. Its eight bytes spell "QFMIGRAT"; being above 2^31 it cannot collide with the
 * advisory locks keyed by `hashtext()` (an int4) elsewhere in the app (DataPass onboarding).
 */
export const MIGRATION_LOCK_KEY = 0x51464d4947524154n; // 5856453342566433108

/**
 * Runs `migrate` while holding the migration lock, so that instances starting together on a new
 * version migrate one after the other: the first applies the pending migrations, the others wait,
 * then find nothing to do (instead of racing to create the same tables and failing to boot).
 *
 * A session-level lock, because drizzle's migrator opens its own transaction on another pooled
 * connection: a transaction-level lock could not span it. A session lock belongs to one
 * connection, hence a reserved one: lock and unlock must run on the same session (through the
 * pool the unlock could land on another connection and leave the lock held for the pool's life).
 * If the process dies meanwhile, PostgreSQL drops the lock with the session.
 */
export async function withMigrationLock<T>(client: postgres.Sql, migrate: () => Promise<T>): Promise<T> {
  const reserved = await client.reserve();
  try {
    await reserved`select pg_advisory_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
    try {
      return await migrate();
    } finally {
      await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
    }
  } finally {
    reserved.release();
  }
}
