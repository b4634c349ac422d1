import crypto from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { signHubPayload, verifyHubSignature } from "./hub-signature.server";

const secret = "a-shared-secret-of-at-least-32-characters";
const body = Buffer.from('{"event":"approve","model_id":1}');

describe("X-Hub-Signature-256", () => {
  afterEach(() => vi.restoreAllMocks());

  it("matches the documented computation: sha256= + hex HMAC-SHA256 of the raw body", () => {
    const expected = crypto.createHmac("sha256", secret).update(body).digest("hex");
    expect(signHubPayload(secret, body)).toBe(`sha256=${expected}`);
    expect(signHubPayload(secret, body.toString())).toBe(`sha256=${expected}`);
  });

  it("accepts the right signature, with hex in either case", () => {
    const signature = signHubPayload(secret, body);
    expect(verifyHubSignature(body, signature, secret)).toBe(true);
    expect(verifyHubSignature(body, `sha256=${signature.slice(7).toUpperCase()}`, secret)).toBe(true);
  });

  it("refuses another body, another secret, a missing or bare header", () => {
    const signature = signHubPayload(secret, body);
    expect(verifyHubSignature(Buffer.from('{"event":"approve","model_id":2}'), signature, secret)).toBe(false);
    expect(verifyHubSignature(body, signature, `${secret}!`)).toBe(false);
    expect(verifyHubSignature(body, null, secret)).toBe(false);
    expect(verifyHubSignature(body, signature.slice(7), secret)).toBe(false);
    // Same bytes re-serialised differently: the raw body is what counts.
    expect(verifyHubSignature(Buffer.from('{ "event": "approve", "model_id": 1 }'), signature, secret)).toBe(false);
  });

  it("compares equal-length values in constant time and refuses other lengths before comparing", () => {
    const compare = vi.spyOn(crypto, "timingSafeEqual");
    const wrong = `sha256=${"0".repeat(64)}`;
    expect(verifyHubSignature(body, wrong, secret)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(1);
    expect(verifyHubSignature(body, "sha256=abc", secret)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(1);
  });
});
