import type { RequestHandler } from "express";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses state-changing requests a browser sends on behalf of another site. SameSite=Lax
 * cookies already stop other sites, but not a page on a sibling subdomain (same site), which
 * could otherwise erase a family file or add a webhook with an agent's session.
 *
 * Browsers say where a request comes from: Sec-Fetch-Site (every current browser), else
 * Origin. A request with neither is not a browser's (curl, a commune's server) and cannot
 * carry a victim's cookies unasked, so it goes through. Server-to-server routes (`exempt`,
 * e.g. the DataPass webhook) are not checked at all.
 */
export function crossOriginProtection({ exempt }: { exempt: (path: string) => boolean }): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || exempt(req.path)) return next();
    const site = req.get("sec-fetch-site");
    const origin = req.get("origin");
    const sameOrigin = site ? site === "same-origin" || site === "none" : !origin || hostOf(origin) === req.get("host");
    if (sameOrigin) return next();
    res
      .status(403)
      .type("text/plain; charset=utf-8")
      .send(
        "Requête refusée : ce formulaire n’a pas été envoyé depuis Portail QF. Revenez sur le site et recommencez.",
      );
  };
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
