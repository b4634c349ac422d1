import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import { describe, expect, it } from "vitest";
import { routeTree } from "./http-metrics.server";
import { createRouteMatcher, type RouteNode } from "./route-matcher.server";

/** What @remix-run/router itself answers: the reference the compiled matcher must agree with. */
const reference = (tree: RouteNode[], path: string) =>
  matchRoutes(tree as AgnosticRouteObject[], path)?.at(-1)?.route.id ?? null;

/** Concrete paths for a route pattern: parameters filled, optional segments with and without, splats. */
function samplesOf(pattern: string): string[] {
  const fill = (value: string) =>
    value
      .split("/")
      .map((segment) => (segment === "*" ? "a/b" : segment.startsWith(":") ? "Valeur%2042" : segment))
      .join("/");
  const withOptional = pattern.replace(/\?(?=\/|$)/g, "");
  const withoutOptional = pattern
    .split("/")
    .filter((segment) => !segment.endsWith("?"))
    .join("/");
  const base = [...new Set([withOptional, withoutOptional])].map((p) => "/" + fill(p).replace(/^\/+/, ""));
  return base.flatMap((path) => [path, `${path}/`, path.toUpperCase(), `${path}/inconnu`, `${path}.data`]);
}

const synthetic: RouteNode[] = [
  {
    id: "root",
    path: "",
    children: [
      { id: "home", index: true },
      { id: "splat", path: "*" },
      { id: "files", path: "fichiers/:id" },
      { id: "files-new", path: "fichiers/nouveau" },
      { id: "optional", path: "langue/:lang?/aide" },
      { id: "case", path: "Casse", caseSensitive: true },
      {
        id: "layout",
        path: "portail",
        children: [
          { id: "portal-index", index: true },
          { id: "absolute", path: "/portail/absolu" },
          { id: "pathless", children: [{ id: "in-pathless", path: "dedans" }] },
          { id: "docs", path: "docs/*" },
        ],
      },
    ],
  },
];

describe("the compiled route matcher", () => {
  it("agrees with @remix-run/router on indexes, splats, optional segments, case, layouts and unknown paths", () => {
    const match = createRouteMatcher(synthetic);
    const paths = [
      "/",
      "",
      "/fichiers/nouveau",
      "/fichiers/12",
      "/fichiers/12/",
      "/FICHIERS/NOUVEAU",
      "/langue/aide",
      "/langue/fr/aide",
      "/Casse",
      "/casse",
      "/portail",
      "/portail/",
      "/portail/absolu",
      "/portail/dedans",
      "/portail/docs",
      "/portail/docs/a/b",
      "/portail/inconnu",
      "/a%2Fb/c",
      "/%E0%A4%A",
      "/nulle/part",
    ];
    for (const path of paths) expect(match(path), path).toBe(reference(synthetic, path));
  });

  const buildPath = `${process.cwd()}/build/index.js`;
  it.runIf(existsSync(buildPath))("agrees with @remix-run/router on every route of the build", async () => {
    const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
    const tree = routeTree(build.routes);
    const match = createRouteMatcher(tree);
    const patterns = Object.values(build.routes).map((route) => route.path ?? "");
    expect(patterns.length).toBeGreaterThan(50);
    let compared = 0;
    for (const pattern of patterns) {
      for (const path of samplesOf(pattern)) {
        expect(match(path), path).toBe(reference(tree, path));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(250);
  });
});
