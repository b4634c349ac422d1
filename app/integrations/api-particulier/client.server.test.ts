import { describe, expect, it } from "vitest";
import { interpretResponse, MAX_RETRY_AFTER_MS } from "./client.server";

describe("interpretResponse", () => {
  it("reads an answer cut while its body arrived as a provider hiccup, not as a malformed answer", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"data":{"quotient_familial":'));
        controller.error(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
      },
    });
    const outcome = await interpretResponse(new Response(body, { status: 200 }));
    expect(outcome).toEqual({ kind: "provider_unavailable", status: null, code: null, retryInMs: null });
  });

  it("still calls a complete but unreadable 200 an invalid response", async () => {
    expect(await interpretResponse(new Response("<html>maintenance</html>", { status: 200 }))).toEqual({
      kind: "invalid_response",
      status: 200,
    });
  });

  it("believes a Retry-After up to a day, no further", async () => {
    const tooMany = (retryAfter: string) =>
      interpretResponse(new Response('{"errors":[]}', { status: 429, headers: { "Retry-After": retryAfter } }));
    expect(await tooMany("30")).toEqual({ kind: "rate_limited", retryAfterMs: 30_000 });
    expect(await tooMany("99999999")).toEqual({ kind: "rate_limited", retryAfterMs: MAX_RETRY_AFTER_MS });
  });
});
