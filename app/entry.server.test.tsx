import { afterEach, describe, expect, it, vi } from "vitest";
import { logger } from "~/utils/logger.server";
import { handleError } from "./entry.server";

const context = { cspNonce: "", requestId: "req-test-0001", clientIp: "127.0.0.1" };

afterEach(() => vi.restoreAllMocks());

describe("handleError", () => {
  it("logs a loader's error through the logger (safe serializer), never raw on the console", () => {
    const console = vi.spyOn(globalThis.console, "error").mockImplementation(() => {});
    const logged = vi.spyOn(logger, "error").mockImplementation(() => {});
    const error = Object.assign(new Error("Failed query: select $1\nparams: DUBOIS"), {
      query: "select $1",
      params: ["DUBOIS"],
    });
    const request = new Request("http://localhost/portail/communes/21490007900010/dossiers?q=DUBOIS");
    handleError(error, { request, params: {}, context });
    expect(console).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalledWith(
      { err: error, method: "GET", path: "/portail/communes/21490007900010/dossiers" },
      "erreur serveur",
    );
  });

  it("stays quiet when the client went away", () => {
    const logged = vi.spyOn(logger, "error").mockImplementation(() => {});
    const controller = new AbortController();
    controller.abort();
    handleError(new Error("aborted"), {
      request: new Request("http://localhost/", { signal: controller.signal }),
      params: {},
      context,
    });
    expect(logged).not.toHaveBeenCalled();
  });
});
