import crypto from "node:crypto";
import { createCookie, redirect, type Cookie } from "@remix-run/node";
import { and, eq, isNotNull, isNull, lt, or } from "drizzle-orm";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { memoizedForRequest } from "~/http/request-memo.server";
import { AGENT_SESSION_IDLE_MINUTES, AGENT_SESSION_MAX_HOURS } from "~/retention-periods";
import { decrypt, encrypt, keyFromBase64 } from "~/utils/encryption.server";
import type { Database } from "../../../db/client.ts";
import { agentSessions, agents } from "../../../db/schema/index.ts";

/**
 * Agents' sessions, stored server-side so they can be revoked: the cookie holds
 * only 32 random bytes, the table their SHA-256. Like ProConnect's own session,
 * a session lasts 12 h at most, and ends after 30 min without activity.
 */

export const AGENT_SESSION_COOKIE = "__qf_agent";
// Stated on /donnees-personnelles from the same constants.
export const IDLE_TIMEOUT_MS = AGENT_SESSION_IDLE_MINUTES * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = AGENT_SESSION_MAX_HOURS * 60 * 60 * 1000;
/** last_seen_at is written at most once a minute: a page with parallel loaders must not write on each one. */
const TOUCH_INTERVAL_MS = 60 * 1000;

export const LOGIN_PATH = "/portail/connexion";

export interface SessionAgent {
  id: string;
  email: string;
  givenName: string;
  usualName: string;
  platformAdmin: boolean;
}

export interface CurrentAgent {
  agent: SessionAgent;
  /** SHA-256 of the cookie's id: the session's key in agent_sessions. */
  sessionIdHash: string;
}

let cookie: Cookie | undefined;

function sessionCookie(): Cookie {
  if (!cookie) {
    const config = getConfig();
    cookie = createCookie(AGENT_SESSION_COOKIE, {
      httpOnly: true,
      sameSite: "lax",
      secure: !config.demoMode,
      path: "/portail",
      maxAge: ABSOLUTE_TIMEOUT_MS / 1000,
      // Signed too: replacing SESSION_SECRET ends every session at once; listing the old secret after
      // the new one (SESSION_SECRET=new,old) rotates it without logging anyone out.
      secrets: config.sessionSecrets,
    });
  }
  return cookie;
}

const hashId = (id: string) => crypto.createHash("sha256").update(id, "utf8").digest("hex");
/** Binds an ID token to its session (exported for the key rotation, which re-seals it). */
export const idTokenAad = (idHash: string) => `agent-session:${idHash}`;
const encryptionKey = () => keyFromBase64(getConfig().ENCRYPTION_KEY);

/** Opens a session for an agent who just logged in; returns the Set-Cookie header value. */
export async function createAgentSession(
  db: Database,
  agentId: string,
  { idToken = null, now = new Date() }: { idToken?: string | null; now?: Date } = {},
): Promise<{ setCookie: string; sessionIdHash: string }> {
  const id = crypto.randomBytes(32).toString("base64url");
  const idHash = hashId(id);
  await db.insert(agentSessions).values({
    idHash,
    agentId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + ABSOLUTE_TIMEOUT_MS),
    idTokenEncrypted: idToken ? encrypt(idToken, encryptionKey(), idTokenAad(idHash)) : null,
  });
  return { setCookie: await sessionCookie().serialize(id), sessionIdHash: idHash };
}

/** The hash of the session id the request carries (valid or not), or null without a cookie. */
export async function sessionIdHashOf(request: Request): Promise<string | null> {
  const value: unknown = await sessionCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? hashId(value) : null;
}

/** The agent behind the request's session, or null when absent, expired, idle for too long or revoked. */
export async function readAgentSession(db: Database, request: Request, now = new Date()): Promise<CurrentAgent | null> {
  const idHash = await sessionIdHashOf(request);
  if (!idHash) return null;
  const [row] = await db
    .select({
      lastSeenAt: agentSessions.lastSeenAt,
      expiresAt: agentSessions.expiresAt,
      agent: {
        id: agents.id,
        email: agents.email,
        givenName: agents.givenName,
        usualName: agents.usualName,
        platformAdmin: agents.platformAdmin,
      },
    })
    .from(agentSessions)
    .innerJoin(agents, eq(agents.id, agentSessions.agentId))
    .where(and(eq(agentSessions.idHash, idHash), isNull(agentSessions.revokedAt)));
  if (!row) return null;
  const t = now.getTime();
  if (row.expiresAt.getTime() <= t || row.lastSeenAt.getTime() + IDLE_TIMEOUT_MS <= t) return null;
  if (t - row.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    await db.update(agentSessions).set({ lastSeenAt: now }).where(eq(agentSessions.idHash, idHash));
  }
  return { agent: row.agent, sessionIdHash: idHash };
}

/** Where to send a request without a valid session: the login page, then back here. */
export function loginUrl(request: Request): string {
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  return back === "/portail" ? LOGIN_PATH : `${LOGIN_PATH}?${new URLSearchParams({ redirectTo: back }).toString()}`;
}

/**
 * The signed-in agent, or a thrown redirect to the login page (which comes
 * back here afterwards). Every /portail loader and action starts with this, or
 * with requireMembership which calls it.
 */
export async function requireAgent(request: Request): Promise<CurrentAgent> {
  const db = await getDatabase();
  // The loaders of one page share the read (and its touch of last_seen_at).
  const current = await memoizedForRequest(`agent-session:${request.headers.get("Cookie") ?? ""}`, () =>
    readAgentSession(db, request),
  );
  if (current) return current;
  const hadCookie = (await sessionIdHashOf(request)) !== null;
  throw redirect(
    loginUrl(request),
    hadCookie ? { headers: { "Set-Cookie": await clearAgentSessionCookie() } } : undefined,
  );
}

/** Only paths inside the portal: anything else (other sites, "//evil", "/\evil") falls back to /portail. */
export function safeRedirectTo(value: string | null | undefined): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (!value || !/^\/portail(?:[/?#]|$)/.test(value) || value.includes("\\") || /[\u0000-\u001f]/.test(value)) {
    return "/portail";
  }
  return value;
}

export async function revokeAgentSession(db: Database, sessionIdHash: string, now = new Date()): Promise<void> {
  await db
    .update(agentSessions)
    .set({ revokedAt: now })
    .where(and(eq(agentSessions.idHash, sessionIdHash), isNull(agentSessions.revokedAt)));
}

/** "Se déconnecter partout": every session of the agent, on every device. Returns how many were open. */
export async function revokeAllAgentSessions(db: Database, agentId: string, now = new Date()): Promise<number> {
  const revoked = await db
    .update(agentSessions)
    .set({ revokedAt: now })
    .where(and(eq(agentSessions.agentId, agentId), isNull(agentSessions.revokedAt)))
    .returning({ idHash: agentSessions.idHash });
  return revoked.length;
}

/** The ProConnect id_token kept for the logout's id_token_hint (decrypted), or null. */
export async function sessionIdToken(db: Database, sessionIdHash: string): Promise<string | null> {
  const [row] = await db
    .select({ idTokenEncrypted: agentSessions.idTokenEncrypted })
    .from(agentSessions)
    .where(eq(agentSessions.idHash, sessionIdHash));
  if (!row?.idTokenEncrypted) return null;
  try {
    return decrypt(row.idTokenEncrypted, encryptionKey(), idTokenAad(sessionIdHash));
  } catch {
    // Sealed with a previous ENCRYPTION_KEY: log out locally only.
    return null;
  }
}

/**
 * Deletes sessions that can no longer be used (revoked, expired, idle). Login
 * already does it for the agent signing in; a scheduled job may call this for
 * everyone. Returns how many were deleted.
 */
export async function purgeEndedAgentSessions(db: Database, now = new Date()): Promise<number> {
  const deleted = await db
    .delete(agentSessions)
    .where(
      or(
        isNotNull(agentSessions.revokedAt),
        lt(agentSessions.expiresAt, now),
        lt(agentSessions.lastSeenAt, new Date(now.getTime() - IDLE_TIMEOUT_MS)),
      ),
    )
    .returning({ idHash: agentSessions.idHash });
  return deleted.length;
}

export function clearAgentSessionCookie(): Promise<string> {
  return sessionCookie().serialize("", { maxAge: 0, expires: new Date(0) });
}
