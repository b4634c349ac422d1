import http from "node:http";
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from "express";
import type { FaultInjector } from "../shared/faults.ts";
import type { Scope } from "./model.ts";
import type { TokenService } from "./tokens.ts";

/**
 * `POST /oauth2/token` of auth.hubee.numerique.gouv.fr (a WSO2 key manager):
 * client_credentials grant, client authenticated with HTTP Basic, form body
 * `grant_type=client_credentials&scope=OSL|SI`. Errors use the OAuth2 shape.
 */

function oauthError(res: Response, status: number, error: string, description: string): void {
  if (status === 401) res.setHeader("WWW-Authenticate", 'Basic realm="HubEE"');
  res.status(status).json({ error, error_description: description });
}

function basicCredentials(req: Request): { clientId: string; clientSecret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(req.get("authorization") ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  // RFC 6749 §2.3.1: id and secret are form-urlencoded before being joined.
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      return s;
    }
  };
  return { clientId: decode(decoded.slice(0, colon)), clientSecret: decode(decoded.slice(colon + 1)) };
}

export function createTokenRouter(tokens: TokenService, faults: FaultInjector): Router {
  const router = express.Router();
  router.use(faults.middleware());

  router.post("/oauth2/token", express.urlencoded({ extended: false }), (req, res) => {
    if (!req.is("application/x-www-form-urlencoded")) {
      return oauthError(res, 400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const credentials = basicCredentials(req);
    if (!credentials) {
      return oauthError(res, 401, "invalid_client", "Client Authentication failed: use HTTP Basic authentication.");
    }
    const client = tokens.authenticate(credentials.clientId, credentials.clientSecret);
    if (!client) return oauthError(res, 401, "invalid_client", "A valid OAuth client could not be found.");
    if (body.grant_type !== "client_credentials") {
      return oauthError(res, 400, "unsupported_grant_type", "Unsupported grant_type value");
    }
    const requested = typeof body.scope === "string" ? body.scope.split(" ").filter(Boolean) : [];
    if (requested.length !== 1 || requested[0] !== client.scope) {
      return oauthError(res, 400, "invalid_scope", `The client may only request scope=${client.scope}`);
    }
    const token = tokens.issue(client, requested[0] as Scope);
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Pragma", "no-cache");
    res.json({
      access_token: token.token,
      scope: token.scope,
      token_type: "Bearer",
      expires_in: Math.round((token.expiresAt - token.issuedAt) / 1000),
    });
  });

  router.all("/oauth2/token", (_req, res) => {
    res.setHeader("Allow", "POST");
    oauthError(res, 405, "invalid_request", "Only POST is allowed");
  });

  const errors: ErrorRequestHandler = (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: number }).status ?? 500;
    if (status < 500) return oauthError(res, 400, "invalid_request", "Malformed token request");
    oauthError(res, 500, "server_error", "Internal error");
  };
  router.use(errors);
  return router;
}

/** Envelope for statuses forced by fault injection ("token endpoint down"). */
export function sendInjectedTokenError(res: Response, status: number): void {
  const error = status === 503 ? "temporarily_unavailable" : status >= 500 ? "server_error" : "invalid_request";
  oauthError(res, status, error, http.STATUS_CODES[status] ?? "Error");
}
