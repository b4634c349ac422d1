import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { agentSessions } from "../../db/schema/index.ts";
import {
  ABSOLUTE_TIMEOUT_MS,
  createAgentSession,
  IDLE_TIMEOUT_MS,
  readAgentSession,
  requireAgent,
  revokeAgentSession,
  revokeAllAgentSessions,
  purgeEndedAgentSessions,
  safeRedirectTo,
  sessionIdToken,
} from "../../app/portal/access/agent-session.server.ts";
import { runWithRequestMemo } from "../../app/http/request-memo.server.ts";
import { createAgent } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

const request = (cookie: string | null, path = "/portail/communes/21490007900010/journal?action=agent.login") =>
  new Request(`http://localhost:3000${path}`, { headers: cookie ? { Cookie: cookie } : {} });
const cookieOf = (setCookie: string) => setCookie.split(";")[0]!;
const minutes = (n: number) => n * 60 * 1000;

/** Server-side sessions: the cookie carries a random id only; expiry, idle timeout and revocation are ours. */
describe("agent sessions", () => {
  let handle: DatabaseHandle;
  let agentId: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    useDatabaseHandle(handle);
    agentId = (await createAgent(handle.db, { email: "session@example.fr" })).id;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("keeps only a random id in an httpOnly, SameSite=Lax cookie, and only its hash in the table", async () => {
    const { setCookie, sessionIdHash } = await createAgentSession(handle.db, agentId, {
      idToken: "header.payload.signature",
    });
    expect(setCookie).toMatch(/^__qf_agent=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\/portail/);
    const [row] = await handle.db.select().from(agentSessions).where(eq(agentSessions.idHash, sessionIdHash));
    expect(row!.idHash).toMatch(/^[0-9a-f]{64}$/);
    expect(decodeURIComponent(setCookie)).not.toContain(row!.idHash);
    // The id_token (needed for ProConnect's logout) is encrypted at rest.
    expect(row!.idTokenEncrypted).not.toContain("payload");
    expect(await sessionIdToken(handle.db, sessionIdHash)).toBe("header.payload.signature");

    const current = await readAgentSession(handle.db, request(cookieOf(setCookie)));
    expect(current).toMatchObject({ agent: { id: agentId, email: "session@example.fr" }, sessionIdHash });
  });

  it("refuses a forged or unknown cookie", async () => {
    expect(await readAgentSession(handle.db, request("__qf_agent=forged"))).toBeNull();
    expect(await readAgentSession(handle.db, request(null))).toBeNull();
  });

  it("slides with activity and ends after 30 minutes idle", async () => {
    const start = new Date("2025-03-01T08:00:00Z");
    const { setCookie } = await createAgentSession(handle.db, agentId, { now: start });
    const cookie = cookieOf(setCookie);
    const at = (ms: number) => new Date(start.getTime() + ms);
    // Active every 20 minutes for two hours: still signed in.
    for (let t = minutes(20); t <= minutes(120); t += minutes(20)) {
      expect(await readAgentSession(handle.db, request(cookie), at(t)), `at ${t / 60000} min`).not.toBeNull();
    }
    // Then 30 minutes without a request.
    expect(await readAgentSession(handle.db, request(cookie), at(minutes(120) + IDLE_TIMEOUT_MS))).toBeNull();
  });

  it("ends after 12 hours however active the agent is", async () => {
    const start = new Date("2025-03-02T06:00:00Z");
    const { setCookie } = await createAgentSession(handle.db, agentId, { now: start });
    const cookie = cookieOf(setCookie);
    for (let t = minutes(25); t < ABSOLUTE_TIMEOUT_MS; t += minutes(25)) {
      await readAgentSession(handle.db, request(cookie), new Date(start.getTime() + t));
    }
    expect(
      await readAgentSession(handle.db, request(cookie), new Date(start.getTime() + ABSOLUTE_TIMEOUT_MS - minutes(1))),
    ).not.toBeNull();
    expect(
      await readAgentSession(handle.db, request(cookie), new Date(start.getTime() + ABSOLUTE_TIMEOUT_MS)),
    ).toBeNull();
  });

  it("revokes one session on logout, and every session with « Se déconnecter partout »", async () => {
    const laptop = await createAgentSession(handle.db, agentId);
    const phone = await createAgentSession(handle.db, agentId);
    const other = await createAgentSession(handle.db, (await createAgent(handle.db, { email: "autre@example.fr" })).id);

    await revokeAgentSession(handle.db, laptop.sessionIdHash);
    expect(await readAgentSession(handle.db, request(cookieOf(laptop.setCookie)))).toBeNull();
    expect(await readAgentSession(handle.db, request(cookieOf(phone.setCookie)))).not.toBeNull();

    const again = await createAgentSession(handle.db, agentId);
    expect(await revokeAllAgentSessions(handle.db, agentId)).toBeGreaterThanOrEqual(2);
    expect(await readAgentSession(handle.db, request(cookieOf(phone.setCookie)))).toBeNull();
    expect(await readAgentSession(handle.db, request(cookieOf(again.setCookie)))).toBeNull();
    // Another agent's session is untouched.
    expect(await readAgentSession(handle.db, request(cookieOf(other.setCookie)))).not.toBeNull();
  });

  it("requireAgent redirects to the login page with the way back, and clears a dead cookie", async () => {
    const noSession = await requireAgent(request(null)).catch((error: unknown) => error);
    expect(noSession).toBeInstanceOf(Response);
    expect((noSession as Response).status).toBe(302);
    expect((noSession as Response).headers.get("Location")).toBe(
      `/portail/connexion?redirectTo=${encodeURIComponent("/portail/communes/21490007900010/journal?action=agent.login")}`,
    );
    expect((noSession as Response).headers.get("Set-Cookie")).toBeNull();

    const { setCookie, sessionIdHash } = await createAgentSession(handle.db, agentId);
    await revokeAgentSession(handle.db, sessionIdHash);
    const revoked = (await requireAgent(request(cookieOf(setCookie), "/portail")).catch(
      (error: unknown) => error,
    )) as Response;
    expect(revoked.headers.get("Location")).toBe("/portail/connexion");
    expect(revoked.headers.get("Set-Cookie")).toMatch(/__qf_agent=;.*Max-Age=0/i);
  });

  it("reads the session once for the loaders of one page, and afresh after an action", async () => {
    // Remix gives each loader its own Request; the page's loaders share one read (issue 20).
    const { setCookie, sessionIdHash } = await createAgentSession(handle.db, agentId);
    const page = () => request(cookieOf(setCookie), "/portail");
    const inGet = await runWithRequestMemo("GET", async () => {
      const first = await requireAgent(page());
      // A revocation landing between two loaders of the same page is seen by the next page only.
      await revokeAgentSession(handle.db, sessionIdHash);
      return [first, await requireAgent(page())];
    });
    expect(inGet.map((current) => current.sessionIdHash)).toEqual([sessionIdHash, sessionIdHash]);
    const nextPage = await runWithRequestMemo("GET", () => requireAgent(page()).catch((error: unknown) => error));
    expect((nextPage as Response).status).toBe(302);

    // A POST: the loaders Remix runs after the action read again (a logout, then the page's loaders).
    const second = await createAgentSession(handle.db, agentId);
    const withAction = runWithRequestMemo("POST", async () => {
      await requireAgent(request(cookieOf(second.setCookie), "/portail"));
      await revokeAgentSession(handle.db, second.sessionIdHash);
      return requireAgent(request(cookieOf(second.setCookie), "/portail"));
    });
    await expect(withAction).rejects.toBeInstanceOf(Response);
  });

  it("purges the sessions that can no longer be used, and only those", async () => {
    const live = await createAgentSession(handle.db, agentId);
    expect(await purgeEndedAgentSessions(handle.db)).toBeGreaterThan(0);
    const left = await handle.db.select({ idHash: agentSessions.idHash }).from(agentSessions);
    expect(left.map((row) => row.idHash)).toContain(live.sessionIdHash);
    expect(await readAgentSession(handle.db, request(cookieOf(live.setCookie)))).not.toBeNull();
  });

  it("only ever redirects inside the portal after login", () => {
    expect(safeRedirectTo("/portail/communes/21490007900010?x=1")).toBe("/portail/communes/21490007900010?x=1");
    for (const bad of [
      null,
      "",
      "https://evil.fr",
      "//evil.fr",
      "/\\evil.fr",
      "/portailevil",
      "/portail\\..\\x",
      "/autre",
      "/portail/\u0000",
    ]) {
      expect(safeRedirectTo(bad), String(bad)).toBe("/portail");
    }
  });
});
