import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "~/config.server";
import { signHubPayload } from "~/onboarding/hub-signature.server";
import { WEBHOOK_RATE_LIMIT } from "~/onboarding/datapass-webhook.server";
import { startApp, type RunningApp } from "../helpers/app-process.ts";

/**
 * The public API, QR codes and webhook through the real server (Express,
 * helmet, Remix build): what loader-level tests cannot show, such as OPTIONS
 * reaching the loader, the raw body reaching the action untouched, or the
 * client address reaching the rate limiter. Needs `npm run build` first.
 */

let app: RunningApp;
// The server runs in demo mode: the demo secret applies.
const secret = parseConfig({}).DATAPASS_WEBHOOK_SECRET;
const API_KEY = "cle-api-collectivites-http-0123456789abcdefgh";

beforeAll(async () => {
  app = await startApp({ env: { LOG_LEVEL: "silent", API_COLLECTIVITES_KEY: API_KEY } });
});
afterAll(() => app?.stop());

describe("over HTTP", () => {
  it("answers a browser's CORS preflight and the GET that follows", async () => {
    const preflight = await fetch(`${app.url}/api/collectivites`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://www.ville-exemple.fr",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-requested-with",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-requested-with");

    const response = await fetch(`${app.url}/api/collectivites`, {
      headers: { Origin: "https://www.ville-exemple.fr" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    const names = ((await response.json()) as { name: string }[]).map((c) => c.name);
    expect(names).toContain("Angers");
    expect(names).not.toContain("Quimper");
  });

  it("registers a commune for API Particulier's back office (201, then 409), and refuses a wrong key (401)", async () => {
    const register = (auth: string) =>
      fetch(`${app.url}/api/collectivites`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: auth },
        body: JSON.stringify({
          collectivity: { name: "Rezé", siret: "21440143000001", code_cog: "44143", status: "active" },
        }),
      });
    expect((await register(`Bearer ${API_KEY}-faux`)).status).toBe(401);
    const created = await register(`Bearer ${API_KEY}`);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ collectivity: { siret: "21440143000001", departement: "44" } });
    expect((await register(`Bearer ${API_KEY}`)).status).toBe(409);
    // Then it is listed by the public API like any active commune.
    const listed = (await (await fetch(`${app.url}/api/collectivites/44143`)).json()) as { siret: string };
    expect(listed.siret).toBe("21440143000001");
  });

  it("answers an unknown INSEE code with the exact 404 body", async () => {
    const response = await fetch(`${app.url}/api/collectivites/99999`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('{"error":"Collectivity not found"}');
  });

  it("serves the OpenAPI description", async () => {
    const response = await fetch(`${app.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { openapi: string }).openapi).toMatch(/^3\.0\./);
    expect((await fetch(`${app.url}/api/openapi.yaml`)).status).toBe(200);
  });

  it("serves the QR codes at their dotted paths", async () => {
    const png = await fetch(`${app.url}/collectivites/21490007900010/qrcode.png`);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    const svg = await fetch(`${app.url}/collectivites/21490007900010/qrcode.svg`);
    expect(svg.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(await svg.text()).toContain("<svg");
    expect((await fetch(`${app.url}/collectivites/21290232000010/qrcode.png`)).status).toBe(404);
  });

  it("verifies the webhook signature over the exact bytes sent", async () => {
    // Unusual spacing and non-ASCII text: any re-serialisation on the way would break the HMAC.
    const raw = `{ "event" : "approve",  "model_type": "authorization_request/formulaire_qf", "model_id": 77,
      "fired_at": ${Math.floor(Date.now() / 1000)}, "data": { "organization": { "siret": "21290232000010",
      "name": "COMMUNE DE QUIMPER — Finistère" }, "applicant": { "email": "agent@quimper.example" } } }`;
    const response = await fetch(`${app.url}/api/datapass/webhook`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signHubPayload(secret, raw) },
      body: raw,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "activated", collectivity: { status: "active" } });
    const names = ((await (await fetch(`${app.url}/api/collectivites`)).json()) as { name: string }[]).map(
      (c) => c.name,
    );
    expect(names).toContain("Quimper");
  });

  it("rate-limits the webhook by client address", async () => {
    const attempt = () =>
      fetch(`${app.url}/api/datapass/webhook`, {
        method: "POST",
        headers: { "X-Hub-Signature-256": "sha256=0" },
        body: "{}",
      });
    for (let i = 0; i < WEBHOOK_RATE_LIMIT.limit; i++) await attempt();
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});
