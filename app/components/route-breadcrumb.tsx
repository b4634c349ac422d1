import { useMatches, type UIMatch } from "@remix-run/react";
import { Breadcrumb } from "./dsfr/breadcrumb";

/** One step of the trail; the last one of the page is the current page and needs no link. */
export interface Crumb {
  label: string;
  to?: string;
}

/**
 * What a route adds to the trail, declared once in its `handle` from its loader data. Parent
 * routes add theirs first (the commune's space adds « Espace agents › <commune> »), so a page
 * states only its own steps. `data` is undefined when the loader failed (error boundary).
 */
export interface BreadcrumbHandle<Data = unknown> {
  breadcrumb: (match: { data: Data | undefined; params: UIMatch["params"]; pathname: string }) => Crumb | Crumb[];
}

const hasBreadcrumb = (handle: unknown): handle is BreadcrumbHandle =>
  typeof handle === "object" && handle !== null && typeof (handle as BreadcrumbHandle).breadcrumb === "function";

/** The crumbs of the matched routes, parents first. */
export function crumbsOf(matches: UIMatch[]): Crumb[] {
  return matches.flatMap((match) => {
    if (!hasBreadcrumb(match.handle)) return [];
    const crumbs = match.handle.breadcrumb({ data: match.data, params: match.params, pathname: match.pathname });
    return Array.isArray(crumbs) ? crumbs : [crumbs];
  });
}

/** The DSFR breadcrumb of the current page, built from the matched routes' handles. */
export function RouteBreadcrumb() {
  const crumbs = crumbsOf(useMatches());
  const current = crumbs.at(-1);
  if (!current) return null;
  const segments = crumbs.slice(0, -1).map((crumb) => ({ label: crumb.label, to: crumb.to ?? "." }));
  return <Breadcrumb segments={segments} currentPageLabel={current.label} />;
}
