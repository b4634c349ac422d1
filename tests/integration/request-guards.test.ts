import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../helpers/app-process.ts";

/**
 * What reaches the server before Remix: body size and type, caching of personal pages, and how
 * quietly the logs report the noise. Over real HTTP, against the built app.
 */
let app: RunningApp;

beforeAll(async () => {
  app = await startApp({ env: { LOG_LEVEL: "info" } });
}, 90_000);

afterAll(async () => {
  await app?.stop();
});

const post = (path: string, body: BodyInit, headers: Record<string, string>) =>
  fetch(`${app.url}${path}`, { method: "POST", body, headers: { Origin: app.url, ...headers }, redirect: "manual" });

describe("request bodies", () => {
  it("refuses a body over 1 MiB with 413 before reading it, and keeps serving", async () => {
    const big = `email=${"a".repeat(2 * 1024 * 1024)}`;
    const response = await post("/portail/connexion", big, { "Content-Type": "application/x-www-form-urlencoded" });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("Requête trop volumineuse");
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it("answers 415, not 500, to JSON or text sent to a page's action", async () => {
    for (const [type, body] of [
      ["application/json", '{"intent":"login"}'],
      ["text/plain", "intent=login"],
    ]) {
      const response = await post("/portail/connexion", body!, { "Content-Type": type! });
      expect(response.status, type).toBe(415);
      expect(await response.text()).toContain("Format de requête non pris en charge");
    }
    // A real form still goes through.
    const form = await post("/portail/connexion", "intent=login", {
      "Content-Type": "application/x-www-form-urlencoded",
    });
    expect(form.status).not.toBe(415);
    expect(form.status).toBeLessThan(500);
  });

  it("refuses a chunked body of unknown length (411)", async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("intent=login"));
        controller.close();
      },
    });
    const response = await fetch(`${app.url}/portail/connexion`, {
      method: "POST",
      body: stream,
      headers: { Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(411);
  });
});

describe("caching of personal pages", () => {
  it("marks every page of the portal and of the citizen's journey no-store, their .data answers too", async () => {
    // A computed specifier: the build exists only after `npm run build`, which `npm test` runs first.
    const buildUrl = new URL("../../build/index.js", import.meta.url).href;
    const { routes } = (await import(buildUrl)) as {
      routes: Record<string, { path?: string; parentId?: string }>;
    };
    // Every route's full path, from the built route manifest, with made-up parameters.
    const fullPath = (id: string): string => {
      const route = routes[id]!;
      const parent = route.parentId && route.parentId !== "root" ? fullPath(route.parentId) : "";
      return [parent, route.path ?? ""].filter(Boolean).join("/");
    };
    const paths = Object.keys(routes)
      .map(fullPath)
      .filter((path) => /^(portail|demarche)\b/.test(path))
      .map((path) =>
        path
          .replace(":siret", "21490007900012")
          .replace(/:[A-Za-z]+Id/g, "0b7e4a52-2f55-4d8e-9a57-3c1c8f0b9d11")
          .replace(/:[A-Za-z]+/g, "x"),
      );
    expect(paths.length).toBeGreaterThan(20);
    for (const path of [...new Set(paths)]) {
      for (const url of [`/${path}`, `/${path}.data`]) {
        const response = await fetch(`${app.url}${url}`, { redirect: "manual" });
        await response.arrayBuffer();
        expect(response.headers.get("cache-control"), url).toContain("no-store");
      }
    }
    // Public pages stay cacheable by the browser as before.
    const home = await fetch(`${app.url}/`);
    expect(home.headers.get("cache-control") ?? "").not.toContain("no-store");
  }, 120_000);
});

describe("static files", () => {
  it("serves the build and the DSFR's files the page links to, and nothing else of the disk", async () => {
    const html = await (await fetch(`${app.url}/`)).text();
    const links = [
      /\/build\/[^"]+\.js/.exec(html)?.[0],
      /\/dsfr\/dsfr\.module\.min\.js/.exec(html)?.[0],
      /\/dsfr\/favicon\/favicon\.svg/.exec(html)?.[0],
    ];
    for (const link of links) {
      expect(link).toBeDefined();
      const response = await fetch(`${app.url}${link}`);
      expect(response.status, link).toBe(200);
      expect(response.headers.get("cache-control")).toMatch(/max-age=[1-9]/);
    }
    // The public folder itself is not a tree one can walk from the root.
    expect((await fetch(`${app.url}/build/`)).status).toBe(404);
    expect((await fetch(`${app.url}/dsfr`, { redirect: "manual" })).status).not.toBe(200);
  });
});

describe("logs", () => {
  it("logs no request line for assets at info, and no server error for a client's 404", async () => {
    const before = app.output().stdout.length;
    const html = await (await fetch(`${app.url}/`)).text();
    const asset = /\/build\/[^"]+\.js/.exec(html)?.[0];
    expect(asset).toBeDefined();
    expect((await fetch(`${app.url}${asset}`)).status).toBe(200);
    await (await fetch(`${app.url}/nulle-part.data`)).arrayBuffer();
    await (await fetch(`${app.url}/nulle-part?_data=routes%2Fnulle-part`)).arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lines = app.output().stdout.slice(before);
    expect(lines).not.toContain(asset!);
    expect(lines).toMatch(/"path":"\/"/);
    expect(lines).not.toContain('"level":50');
    expect(lines).not.toContain("erreur serveur");
  });
});
