import { describe, expect, it } from "vitest";
import { runEntryPoint, startApp } from "../helpers/app-process.ts";
import { PROCESS_TEST_TIMEOUT_MS } from "../helpers/process-readiness.ts";
import { postgresBinaries, startPrivatePostgres } from "../helpers/private-postgres.ts";

/**
 * Boot behaviour of the real entry points, as an operator sees it. Every test starts a process: it
 * waits as long as the process makes progress (process-readiness.ts), not vitest's 30 s.
 */
describe("boot", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it.each(["server.ts", "jobs/worker.ts"] as const)(
    "%s stops with one line when DATABASE_URL is unreachable",
    async (entry) => {
      const result = await runEntryPoint(entry, { DATABASE_URL: "postgres://bad", LOG_LEVEL: "silent" });
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Base de données injoignable \(DATABASE_URL\) : /);
    },
  );

  it("stops with one line naming ENCRYPTION_KEY when it is malformed", async () => {
    const result = await runEntryPoint("server.ts", { ENCRYPTION_KEY: "trop-courte", LOG_LEVEL: "silent" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^Configuration invalide : ENCRYPTION_KEY [^\n]+$/);
  });

  it("stops with one line naming LOG_LEVEL when it is unknown", async () => {
    const result = await runEntryPoint("server.ts", { LOG_LEVEL: "verbeux" });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^Configuration invalide : LOG_LEVEL [^\n]+$/);
  });

  it("refuses to start in production without the external variables and names them", async () => {
    const result = await runEntryPoint("server.ts", { NODE_ENV: "production", LOG_LEVEL: "silent" });
    expect(result.code).toBe(1);
    const line = result.stderr.trim();
    expect(line).not.toContain("\n");
    for (const name of ["FRANCECONNECT_ISSUER", "HUBEE_OSL_CLIENT_SECRET", "API_PARTICULIER_URL", "ENCRYPTION_KEY"]) {
      expect(line).toContain(name);
    }
  });

  it.each(["server.ts", "jobs/worker.ts"] as const)("%s exits within 5 s on SIGTERM", async (entry) => {
    const app = await startApp({ entry });
    const result = await app.stop("SIGTERM");
    expect(result.code).toBe(0);
    expect(result.durationMs).toBeLessThan(5_000);
  });

  it("serves /healthz with the database reachable, and refuses a form posted from another site", async () => {
    const app = await startApp();
    try {
      const res = await fetch(`${app.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "ok", database: "ok" });
      expect(res.headers.get("x-request-id")).toBeTruthy();
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      // Logout everywhere is a mutation: a sibling subdomain must not trigger it with the agent's cookie.
      const forged = await fetch(`${app.url}/portail/deconnexion`, {
        method: "POST",
        headers: { "Sec-Fetch-Site": "same-site", "Content-Type": "application/x-www-form-urlencoded" },
        body: "partout=1",
        redirect: "manual",
      });
      expect(forged.status).toBe(403);
      expect(await forged.text()).toMatch(/^Requête refusée/);
      expect(forged.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    } finally {
      await app.stop();
    }
  });

  it.skipIf(!postgresBinaries())("answers /healthz 503 while PostgreSQL is down, 200 once it is back", async () => {
    const pg = await startPrivatePostgres();
    const app = await startApp({ env: { DATABASE_URL: pg.url } });
    try {
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      await pg.stop();
      const down = await fetch(`${app.url}/healthz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: "indisponible", database: "injoignable" });
      await pg.start();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await fetch(`${app.url}/healthz`)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(status).toBe(200);
    } finally {
      await app.stop();
      await pg.destroy();
    }
  });
});
