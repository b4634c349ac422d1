import type { ComponentType } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { Outlet } from "@remix-run/react";
import type { RouteObject } from "react-router-dom";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";

/** One level of nested routes, as Remix matches them: a layout (no Component: an Outlet) or the page. */
export interface NestedRoute {
  /** Relative to the parent's path; the first one starts with "/". */
  path: string;
  /** The route module's `handle`, where breadcrumbs come from. */
  handle?: unknown;
  /** What the route's loader returned. */
  data?: unknown;
  Component?: ComponentType;
}

/**
 * Server-renders nested routes with their handles and data, the way the document render does:
 * useMatches sees every level, so a page's <RouteBreadcrumb /> shows its parents' crumbs too.
 */
export async function renderNested(routes: NestedRoute[], url: string): Promise<string> {
  const tree = routes.reduceRight<RouteObject | undefined>(
    (child, route, index) => ({
      id: `route-${index}`,
      path: route.path,
      handle: route.handle,
      loader: () => route.data ?? null,
      Component: route.Component ?? Outlet,
      children: child ? [child] : undefined,
    }),
    undefined,
  );
  const handler = createStaticHandler(tree ? [tree] : []);
  const context = await handler.query(new Request(`http://localhost:3000${url}`));
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`);
  const router = createStaticRouter(handler.dataRoutes, context);
  return renderToStaticMarkup(<StaticRouterProvider router={router} context={context} hydrate={false} />);
}

const decode = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** The DSFR breadcrumb of a rendered page, as « label » and link (none for the current page). */
export function trailOf(html: string): Array<{ label: string; to?: string }> {
  const list = /<ol class="fr-breadcrumb__list">(.*?)<\/ol>/s.exec(html)?.[1];
  if (!list) return [];
  return [...list.matchAll(/<a class="fr-breadcrumb__link"([^>]*)>(.*?)<\/a>/gs)].map(([, attributes, label]) => {
    const href = /href="([^"]*)"/.exec(attributes!)?.[1];
    return href === undefined ? { label: decode(label!) } : { label: decode(label!), to: decode(href) };
  });
}
