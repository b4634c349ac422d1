import http from "node:http";
import type { ErrorRequestHandler, Response } from "express";

/**
 * HubEE answers every error as `{"errors":[{"code":<number>,"message":"…"}]}`;
 * the API gateway (WSO2) in front adds a `description` to its own errors.
 */
export interface HubeeErrorItem {
  code: number;
  message: string;
  description?: string;
}

export class HubeeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Defaults to the HTTP status, as the microservice does. */
    readonly code: number = status,
    readonly description?: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HubeeError(400, message);
export const unauthorizedUser = () => new HubeeError(403, "Unauthorized user");
export const notFound = (message: string) => new HubeeError(404, message);

export function sendHubeeError(res: Response, error: HubeeError): void {
  const item: HubeeErrorItem = { code: error.code, message: error.message };
  if (error.description) item.description = error.description;
  if (error.status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="HubEE", error="invalid_token"');
  res.status(error.status).json({ errors: [item] });
}

/** Envelope for statuses forced by fault injection. */
export function sendInjectedError(res: Response, status: number): void {
  sendHubeeError(res, new HubeeError(status, http.STATUS_CODES[status] ?? "Error"));
}

/** Last middleware of the API router: maps anything thrown to the HubEE envelope. */
export const hubeeErrorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  if (err instanceof HubeeError) return sendHubeeError(res, err);
  const parserError = err as { type?: string; status?: number };
  if (parserError.type === "entity.parse.failed") {
    return sendHubeeError(res, badRequest("Bad Request : Unable to parse the request body as JSON"));
  }
  if (parserError.type === "entity.too.large") {
    return sendHubeeError(res, new HubeeError(413, "Request Entity Too Large"));
  }
  if (process.env.NODE_ENV !== "test") console.error("[hubee simulator]", err);
  sendHubeeError(res, new HubeeError(500, "Internal server error"));
};
