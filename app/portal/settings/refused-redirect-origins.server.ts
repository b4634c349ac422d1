import { and, desc, eq, notInArray, sql } from "drizzle-orm";
import type { DbExecutor } from "../../../db/client.ts";
import { refusedRedirectOrigins } from "../../../db/schema/index.ts";
import { logger } from "~/utils/logger.server";

/** How many refused origins a commune keeps: enough to diagnose, bounded against forged links. */
export const KEPT_REFUSED_ORIGINS = 10;

/** What a refused `redirect_uri` is filed under when it is not even a URL. */
export const UNREADABLE_ORIGIN = "(adresse illisible)";

/**
 * The origin of a refused return URL: only scheme, host and port are kept, because its path and
 * query may carry a family's file number or name.
 */
export function originForReport(redirectUri: string): string {
  try {
    const url = new URL(redirectUri);
    if (url.protocol === "https:" || url.protocol === "http:") return url.origin;
    return `${url.protocol}…`;
  } catch {
    return UNREADABLE_ORIGIN;
  }
}

/**
 * Notes that the commune's deep link carried a return URL of an origin it did not register: logged
 * at `info` (origin only) and counted for the settings page, which shows the last ones so the
 * integrator sees why the « Retourner sur le site de ma commune » button was missing.
 */
export async function noteRefusedRedirectUri(
  db: DbExecutor,
  collectivityId: string,
  redirectUri: string,
  now = new Date(),
): Promise<void> {
  const origin = originForReport(redirectUri).slice(0, 300);
  logger.info({ collectivityId, origin }, "redirect_uri refusée : origine non enregistrée par la commune");
  await db
    .insert(refusedRedirectOrigins)
    .values({ collectivityId, origin, count: 1, lastSeenAt: now })
    .onConflictDoUpdate({
      target: [refusedRedirectOrigins.collectivityId, refusedRedirectOrigins.origin],
      set: { count: sql`${refusedRedirectOrigins.count} + 1`, lastSeenAt: now },
    });
  const kept = db
    .select({ origin: refusedRedirectOrigins.origin })
    .from(refusedRedirectOrigins)
    .where(eq(refusedRedirectOrigins.collectivityId, collectivityId))
    .orderBy(desc(refusedRedirectOrigins.lastSeenAt))
    .limit(KEPT_REFUSED_ORIGINS);
  await db
    .delete(refusedRedirectOrigins)
    .where(
      and(eq(refusedRedirectOrigins.collectivityId, collectivityId), notInArray(refusedRedirectOrigins.origin, kept)),
    );
}

export interface RefusedOriginView {
  origin: string;
  count: number;
  lastSeenAt: Date;
}

/** The commune's refused origins, most recent first. */
export async function listRefusedRedirectOrigins(db: DbExecutor, collectivityId: string): Promise<RefusedOriginView[]> {
  return db
    .select({
      origin: refusedRedirectOrigins.origin,
      count: refusedRedirectOrigins.count,
      lastSeenAt: refusedRedirectOrigins.lastSeenAt,
    })
    .from(refusedRedirectOrigins)
    .where(eq(refusedRedirectOrigins.collectivityId, collectivityId))
    .orderBy(desc(refusedRedirectOrigins.lastSeenAt))
    .limit(KEPT_REFUSED_ORIGINS);
}
