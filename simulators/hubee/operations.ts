import express, { type Request, type RequestHandler, type Response, type Router } from "express";
import { requireToken } from "./auth.ts";
import type { PartnerInfo } from "./model.ts";
import type { HubeeSpec, SpecOperation } from "./openapi-spec.ts";
import { createRequestValidator } from "./request-validation.ts";
import type { HubeeStore } from "./store.ts";
import type { TokenService } from "./tokens.ts";

/** What route handlers get: the state and the clock (tests may freeze it). */
export interface ApiContext {
  store: HubeeStore;
  tokens: TokenService;
  spec: HubeeSpec;
  now: () => Date;
  /** Operation ids with a handler, so the others can answer 501. */
  registered: Set<string>;
}

export type OperationHandler = (req: Request, res: Response) => void;

/** Attachments are sent whole; HubEE's gateway allows large files (5 min timeout in the spec). */
const MAX_UPLOAD = "50mb";

function bodyParser(op: SpecOperation): RequestHandler | null {
  if (!op.requestBody) return null;
  if (op.requestBody.contentType === "application/octet-stream") {
    // Every content type is read as bytes; the validator then refuses the wrong ones.
    return express.raw({ type: () => true, limit: MAX_UPLOAD });
  }
  return express.json({ limit: "10mb" });
}

/** Express path of an operation: `/teledossiers/v1/folders/:folderId`. */
export function expressPath(op: SpecOperation): string {
  return op.basePath + op.path.replace(/\{(\w+)\}/g, ":$1");
}

/**
 * Mounts an operation at the spec's method and path, behind what the real
 * platform runs first: gateway token and scope check, then request validation.
 */
export function registerOperation(
  router: Router,
  ctx: ApiContext,
  operationId: string,
  handler: OperationHandler,
): void {
  const op = ctx.spec.operation(operationId);
  const chain: RequestHandler[] = [requireToken(ctx.tokens, op.scopes)];
  const parser = bodyParser(op);
  if (parser) chain.push(parser);
  chain.push(createRequestValidator(op), (req, res) => handler(req, res));
  router[op.method](expressPath(op), ...chain);
  ctx.registered.add(operationId);
}

/** The optional tracing headers, kept on folders and events as `partnerInfo`. */
export function partnerInfoOf(req: Request): PartnerInfo | null {
  const editorName = req.get("editorName") ?? null;
  const applicationName = req.get("applicationName") ?? null;
  const softwareVersion = req.get("softwareVersion") ?? null;
  return editorName || applicationName || softwareVersion ? { editorName, applicationName, softwareVersion } : null;
}
