import { Transform } from "node:stream";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { logger } from "~/utils/logger.server";
import { NonceProvider } from "~/utils/nonce-provider";

const ABORT_DELAY = 5_000;

/**
 * A loader or action threw. Remix's default prints the error with console.error, which would
 * dump a database error whole, bound values included (personal data). Our logger keeps only
 * what serializeError deems safe, and the line carries the request id. A client that left
 * is not an error.
 */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  // A 4xx route error (an unknown URL, a `.data` or `?_data` request for a page that does not exist) is
  // the client's mistake, already answered with the right status: not a server error to page anyone for.
  if (isRouteErrorResponse(error) && error.status < 500) {
    logger.info(
      { status: error.status, method: request.method, path: new URL(request.url).pathname },
      "réponse d’erreur de route",
    );
    return;
  }
  // Remix warns through handleError when a client sends `?_data` (a browser still running a bundle
  // from before single fetch); the request itself is answered normally, so it is no server error.
  if (error instanceof Error && error.message.startsWith("Warning: Single fetch-enabled apps")) {
    logger.info({ method: request.method, path: new URL(request.url).pathname }, "requête ?_data d’un ancien client");
    return;
  }
  const cause =
    isRouteErrorResponse(error) && (error as { error?: unknown }).error ? (error as { error?: unknown }).error : error;
  logger.error({ err: cause, method: request.method, path: new URL(request.url).pathname }, "erreur serveur");
};
export const streamTimeout = ABORT_DELAY;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce ?? "";
  // Bots and no-JS clients get the whole document at once; browsers get it streamed.
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true;
          const body = stripNulBytes();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors after the shell are logged (without request data) rather than swallowed.
          if (shellRendered) logger.error({ err: error, requestId: loadContext.requestId }, "render error");
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/**
 * React 18.3's streaming renderer can flush the unused tail of its buffer as
 * NUL bytes when a multi-byte character straddles a chunk boundary. HTML never
 * contains NUL legitimately, and one inside the hydration data breaks it.
 */
function stripNulBytes(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, chunk.includes(0) ? chunk.filter((byte) => byte !== 0) : chunk);
    },
  });
}
