/**
 * Runs a transaction again when PostgreSQL ended it as a deadlock victim (SQLSTATE 40P01). The
 * victim's transaction was rolled back whole, so running it again is safe. Multi-row statements
 * whose triggers keep counters (ADR 035) lock counter rows in the order of their rows, and two of
 * them at once (two deliverers claiming shipments side by side) can meet in a deadlock.
 */
export async function retryOnDeadlock<T>(transaction: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (attempt >= attempts || !isDeadlock(error)) throw error;
      // A short random pause, so the two transactions do not meet again at once.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/** drizzle wraps the driver's error in its own (as `cause`): look at both. */
function isDeadlock(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; depth++) {
    if (e.code === "40P01") return true;
    e = e.cause as typeof e;
  }
  return false;
}
