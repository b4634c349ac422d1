import { joinPaths } from "@remix-run/router";

/**
 * The id of the route Remix runs for a path, found as @remix-run/router's `matchRoutes` finds it,
 * but compiled once. `matchRoutes` flattens, ranks and compiles every route's pattern on each call:
 * with our ~100 routes that cost 1.3 ms of CPU per request in the metrics middleware (profile in
 * bench/NOTES.md), more than the middleware's whole purpose is worth. Here the branches are
 * flattened, ranked and compiled at boot with the same rules (flattenRoutes, explodeOptionalSegments,
 * computeScore, compareIndexes, compilePath, matchRouteBranch); route-matcher.server.test.ts checks
 * that both agree on every route of the build.
 */

export interface RouteNode {
  id: string;
  path?: string;
  index?: boolean;
  caseSensitive?: boolean;
  children?: RouteNode[];
}

interface Part {
  regex: RegExp;
  /** A splat's value is what it matched beyond the part: the part's "base" excludes it. */
  splat: boolean;
}

interface Branch {
  id: string;
  score: number;
  childrenIndexes: number[];
  parts: Part[];
}

export function createRouteMatcher(routes: RouteNode[]): (pathname: string) => string | null {
  const branches = flatten(routes, [], "", []);
  branches.sort((a, b) =>
    a.score !== b.score ? b.score - a.score : compareIndexes(a.childrenIndexes, b.childrenIndexes),
  );
  return (pathname) => {
    const decoded = decodePath(pathname || "/");
    for (const branch of branches) if (matchBranch(branch, decoded)) return branch.id;
    return null;
  };
}

function flatten(
  routes: RouteNode[],
  branches: Branch[],
  parentPath: string,
  parents: Array<{ part: string; caseSensitive: boolean; index: number }>,
): Branch[] {
  routes.forEach((route, index) => {
    const relativePaths =
      route.path === undefined || route.path === "" || !route.path.includes("?")
        ? [undefined]
        : explodeOptionalSegments(route.path);
    for (const exploded of relativePaths) {
      let relative = exploded ?? route.path ?? "";
      if (relative.startsWith("/")) relative = relative.slice(parentPath.length);
      const path = joinPaths([parentPath, relative]);
      const meta = [...parents, { part: relative, caseSensitive: route.caseSensitive === true, index }];
      if (route.children && route.children.length > 0) flatten(route.children, branches, path, meta);
      if (route.path == null && !route.index) continue;
      branches.push({
        id: route.id,
        score: computeScore(path, route.index === true),
        childrenIndexes: meta.map((m) => m.index),
        parts: meta.map((m, i) => compilePart(m.part, m.caseSensitive, i === meta.length - 1)),
      });
    }
  });
  return branches;
}

function explodeOptionalSegments(path: string): string[] {
  const segments = path.split("/");
  if (segments.length === 0) return [];
  const [first, ...rest] = segments as [string, ...string[]];
  const isOptional = first.endsWith("?");
  const required = first.replace(/\?$/, "");
  if (rest.length === 0) return isOptional ? [required, ""] : [required];
  const restExploded = explodeOptionalSegments(rest.join("/"));
  const result = restExploded.map((sub) => (sub === "" ? required : [required, sub].join("/")));
  if (isOptional) result.push(...restExploded);
  return result.map((exploded) => (path.startsWith("/") && exploded === "" ? "/" : exploded));
}

const paramPattern = /^:[\w-]+$/;

function computeScore(path: string, index: boolean): number {
  const segments = path.split("/");
  let score = segments.length;
  if (segments.some((s) => s === "*")) score += -2;
  if (index) score += 2;
  for (const segment of segments) {
    if (segment === "*") continue;
    score += paramPattern.test(segment) ? 3 : segment === "" ? 1 : 10;
  }
  return score;
}

function compareIndexes(a: number[], b: number[]): number {
  const siblings = a.length === b.length && a.slice(0, -1).every((n, i) => n === b[i]);
  return siblings ? a[a.length - 1]! - b[b.length - 1]! : 0;
}

function compilePart(path: string, caseSensitive: boolean, end: boolean): Part {
  let source =
    "^" +
    path
      .replace(/\/*\*?$/, "")
      .replace(/^\/*/, "/")
      .replace(/[\\.*+^${}|()[\]]/g, "\\$&")
      .replace(/\/:([\w-]+)(\?)?/g, (_, _name: string, optional?: string) =>
        optional ? "/?([^\\/]+)?" : "/([^\\/]+)",
      );
  const splat = path.endsWith("*");
  if (splat) source += path === "*" || path === "/*" ? "(.*)$" : "(?:\\/(.+)|\\/*)$";
  else if (end) source += "\\/*$";
  else if (path !== "" && path !== "/") source += "(?:(?=\\/|$))";
  return { regex: new RegExp(source, caseSensitive ? undefined : "i"), splat };
}

function matchBranch(branch: Branch, pathname: string): boolean {
  let matched = "/";
  for (const part of branch.parts) {
    const remaining = matched === "/" ? pathname : pathname.slice(matched.length) || "/";
    const match = part.regex.exec(remaining);
    if (!match) return false;
    let base = match[0].replace(/(.)\/+$/, "$1");
    if (part.splat) {
      const splatValue = match[match.length - 1] ?? "";
      base = match[0].slice(0, match[0].length - splatValue.length).replace(/(.)\/+$/, "$1");
    }
    if (base !== "/") matched = joinPaths([matched, base]);
  }
  return true;
}

function decodePath(value: string): string {
  try {
    return value
      .split("/")
      .map((v) => decodeURIComponent(v).replace(/\//g, "%2F"))
      .join("/");
  } catch {
    return value;
  }
}
