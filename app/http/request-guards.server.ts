import type { RequestHandler } from "express";

/**
 * Guards in front of Remix, for what Remix would otherwise read or cache on our behalf.
 */

/** No form of ours comes near this; a larger body is refused before anything reads it. */
export const MAX_FORM_BODY_BYTES = 1024 * 1024;

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

const refuse = (res: Parameters<RequestHandler>[1], status: number, message: string) => {
  res.status(status).set("Content-Type", "text/plain; charset=utf-8").set("Cache-Control", "no-store").send(message);
};

/**
 * Bounds request bodies (413) and refuses bodies that are not forms on the pages' actions (415):
 * `request.formData()` would otherwise read an unbounded body, or throw on JSON and answer 500.
 * Machine endpoints (`/api/…`, which read JSON themselves) keep their content type, not their size.
 */
export function requestBodyGuard({ maxBytes = MAX_FORM_BODY_BYTES }: { maxBytes?: number } = {}): RequestHandler {
  return (req, res, next) => {
    if (!BODY_METHODS.has(req.method)) return next();
    const length = req.get("content-length");
    if (length === undefined) {
      // Browsers always send a length with a form; a chunked body could be of any size.
      if (req.get("transfer-encoding")) {
        return refuse(res, 411, "Longueur de la requête requise (en-tête Content-Length).\n");
      }
      return next();
    }
    if (!/^\d+$/.test(length)) return refuse(res, 400, "En-tête Content-Length invalide.\n");
    if (Number(length) > maxBytes) {
      return refuse(
        res,
        413,
        `Requête trop volumineuse : ${Math.ceil(maxBytes / 1024)} Kio au plus. Aucun formulaire du service n’en demande autant.\n`,
      );
    }
    if (req.path.startsWith("/api/") || Number(length) === 0) return next();
    const type = (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!FORM_TYPES.includes(type)) {
      return refuse(
        res,
        415,
        "Format de requête non pris en charge : les formulaires du service s’envoient en application/x-www-form-urlencoded ou multipart/form-data.\n",
      );
    }
    next();
  };
}

/** Paths whose pages (and their `.data` answers) may show personal data: never stored by a cache. */
const PERSONAL_PATHS = [
  /^\/portail(\/|\.data$|$)/,
  /^\/demarche\//,
  /^\/auth\//,
  /^\/collectivites\/[^/]+\/me_connecter/,
  // The national form's follow-up link: where a transmission stands.
  /^\/collectivites\/[^/]+\/confirmation\//,
];

/**
 * `Cache-Control: no-store` on every answer of the portal and of the citizen's journey (ASVS 8.2.1),
 * unless the route set its own (downloads do). Shared computers in town halls keep no copy.
 */
export const noStoreForPersonalPages: RequestHandler = (req, res, next) => {
  if (!PERSONAL_PATHS.some((pattern) => pattern.test(req.path))) return next();
  const writeHead = res.writeHead;
  res.writeHead = function (this: typeof res, ...args: Parameters<typeof res.writeHead>) {
    if (!this.getHeader("Cache-Control")) this.setHeader("Cache-Control", "no-store");
    return writeHead.apply(this, args);
  } as typeof res.writeHead;
  next();
};
