import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type { ServerBuild } from "@remix-run/node";
import type { NextFunction, Request, Response } from "express";
import { isAsset } from "~/http/request-context.server";
import { httpRequests } from "./registry.server";

/**
 * HTTP metrics by Remix route id: the route file that answered ("routes/portail.communes.$siret.
 * dossiers.$familyId"), never the path, which holds SIRETs and file ids. Remix's own matcher
 * (@remix-run/router, the one Remix itself uses) finds it, so the label is the route Remix ran.
 */

type RouteTree = AgnosticRouteObject & { id: string; children?: RouteTree[] };

function routeTree(routes: ServerBuild["routes"]): RouteTree[] {
  const byParent = new Map<string | undefined, ServerBuild["routes"][string][]>();
  for (const route of Object.values(routes)) {
    const siblings = byParent.get(route.parentId) ?? [];
    siblings.push(route);
    byParent.set(route.parentId, siblings);
  }
  const build = (parentId: string | undefined): RouteTree[] =>
    (byParent.get(parentId) ?? []).map((route) =>
      route.index
        ? { id: route.id, path: route.path, index: true }
        : { id: route.id, path: route.path, caseSensitive: route.caseSensitive, children: build(route.id) },
    );
  return build(undefined);
}

/** The label of a request: "static" for assets, the answering route's id, or "unmatched". */
export function createRouteLabeler(routes: ServerBuild["routes"]): (path: string) => string {
  const tree = routeTree(routes);
  return (path) => {
    if (isAsset(path)) return "static";
    // Single fetch asks for a page's data at "<path>.data" (and "/_root.data" for the home page).
    const pagePath = path === "/_root.data" ? "/" : path.replace(/\.data$/, "");
    const matches = matchRoutes(tree, pagePath);
    return matches?.at(-1)?.route.id ?? "unmatched";
  };
}

/** Express middleware observing every request once its response is finished. */
export function httpMetrics(labelOf: (path: string) => string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.once("finish", () => {
      httpRequests.observe(
        { route: labelOf(req.path), method: req.method, status: String(res.statusCode) },
        (performance.now() - started) / 1000,
      );
    });
    next();
  };
}
