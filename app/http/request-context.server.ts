import crypto from "node:crypto";
import type { RequestHandler } from "express";
import { OutgoingCallClock, runWithOutgoingCallClock } from "~/metrics/outgoing-call-time.server";
import { runWithLogContext } from "~/utils/log-context.server";
import { runWithRequestMemo } from "./request-memo.server";
import { logger } from "~/utils/logger.server";

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Static files: the build, the DSFR, the favicon and other public files. */
export const isAsset = (path: string) =>
  path.startsWith("/build/") ||
  path.startsWith("/dsfr/") ||
  /\.(css|js|map|png|svg|ico|woff2?|webmanifest)$/.test(path);

/**
 * Gives each request an id (kept from a trusted proxy's X-Request-Id when well
 * formed), runs the rest of the request with it in the log context (every line
 * the request writes carries it) and logs one line per response, with the time spent
 * waiting on external systems apart (`outgoingMs`: FranceConnect, API Particulier,
 * HubEE), so a slow answer says whose time it was. Only the path is logged: query
 * strings can carry personal identifiers.
 */
export const requestContext: RequestHandler = (req, res, next) => {
  const incoming = req.get("x-request-id");
  const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  res.locals.requestId = requestId;
  res.setHeader("X-Request-Id", requestId);
  const started = process.hrtime.bigint();
  const outgoingCalls = new OutgoingCallClock();
  res.locals.outgoingCalls = outgoingCalls;
  res.on("finish", () => {
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    const outgoingMs = Math.round(outgoingCalls.elapsedMs());
    // Assets are most of the lines and say nothing an operator acts on: debug only, unless they fail.
    const level = res.statusCode >= 500 ? "error" : isAsset(req.path) && res.statusCode < 400 ? "debug" : "info";
    logger[level](
      {
        requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        durationMs: Math.round(durationMs),
        ...(outgoingMs > 0 ? { outgoingMs } : {}),
      },
      "request",
    );
  });
  runWithLogContext({ requestId }, () =>
    runWithOutgoingCallClock(outgoingCalls, () => runWithRequestMemo(req.method, next)),
  );
};
