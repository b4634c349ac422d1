import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crossOriginProtection } from "./cross-origin-protection.server";

let server: http.Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(crossOriginProtection({ exempt: (path) => path === "/api/datapass/webhook" }));
  app.all("*", (req, res) => res.send(`ok ${req.method}`));
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (path: string, headers: Record<string, string>) =>
  fetch(`${base}${path}`, { method: "POST", headers, body: "intent=supprimer" });

describe("cross-origin protection", () => {
  it("refuses a form posted from another site or a sibling subdomain, in French", async () => {
    for (const site of ["cross-site", "same-site"]) {
      const refused = await post("/portail/communes/x/dossiers/y/supprimer", { "Sec-Fetch-Site": site });
      expect(refused.status, site).toBe(403);
      expect(await refused.text()).toMatch(/^Requête refusée/);
    }
    // Browsers without Sec-Fetch-Site: the Origin decides.
    expect((await post("/portail", { Origin: "https://autre.beta.gouv.fr" })).status).toBe(403);
    expect((await post("/portail", { Origin: "null" })).status).toBe(403);
  });

  it("lets the app's own forms, non-browser clients, reads and server-to-server routes through", async () => {
    expect((await post("/portail", { "Sec-Fetch-Site": "same-origin" })).status).toBe(200);
    expect((await post("/portail", { "Sec-Fetch-Site": "none" })).status).toBe(200);
    expect((await post("/portail", { Origin: base })).status).toBe(200);
    expect((await post("/portail", {})).status).toBe(200);
    const read = await fetch(`${base}/collectivites`, { headers: { "Sec-Fetch-Site": "cross-site" } });
    expect(read.status).toBe(200);
    expect((await post("/api/datapass/webhook", { "Sec-Fetch-Site": "cross-site" })).status).toBe(200);
  });
});
