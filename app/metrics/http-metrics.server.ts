import type { ServerBuild } from "@remix-run/node";
import type { NextFunction, Request, Response } from "express";
import { isAsset } from "~/http/request-context.server";
import { httpRequests } from "./registry.server";
import { createRouteMatcher, type RouteNode } from "./route-matcher.server";

/**
 * HTTP metrics by Remix route id: the route file that answered ("routes/portail.communes.$siret.
 * dossiers.$familyId"), never the path, which holds SIRETs and file ids. It is found by Remix's own
 * matching rules (route-matcher.server.ts), so the label is the route Remix ran.
 */

export function routeTree(routes: ServerBuild["routes"]): RouteNode[] {
  const byParent = new Map<string | undefined, ServerBuild["routes"][string][]>();
  for (const route of Object.values(routes)) {
    const siblings = byParent.get(route.parentId) ?? [];
    siblings.push(route);
    byParent.set(route.parentId, siblings);
  }
  const build = (parentId: string | undefined): RouteNode[] =>
    (byParent.get(parentId) ?? []).map((route) =>
      route.index
        ? { id: route.id, path: route.path, index: true }
        : { id: route.id, path: route.path, caseSensitive: route.caseSensitive, children: build(route.id) },
    );
  return build(undefined);
}

/** The label of a request: "static" for assets, the answering route's id, or "unmatched". */
export function createRouteLabeler(routes: ServerBuild["routes"]): (path: string) => string {
  const match = createRouteMatcher(routeTree(routes));
  return (path) => {
    if (isAsset(path)) return "static";
    // Single fetch asks for a page's data at "<path>.data" (and "/_root.data" for the home page).
    const pagePath = path === "/_root.data" ? "/" : path.replace(/\.data$/, "");
    return match(pagePath) ?? "unmatched";
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
