import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { initialLevel, serializeError } from "./logger.server";

describe("logger", () => {
  it("keeps a driver error's type, code and message but never its detail or bound values", () => {
    const error = Object.assign(new Error("duplicate key value violates unique constraint"), {
      name: "PostgresError",
      code: "23505",
      detail: "Key (email)=(angela.dubois@example.fr) already exists.",
      parameters: ["DUBOIS", "1962-08-24"],
    });
    let line = "";
    const sink = new Writable({
      write(chunk, _encoding, done) {
        line += String(chunk);
        done();
      },
    });
    pino({ serializers: { err: serializeError } }, sink).error({ err: error }, "échec");
    const logged = JSON.parse(line) as { err: Record<string, unknown> };
    expect(logged.err).toMatchObject({ type: "PostgresError", code: "23505", message: error.message });
    expect(line).not.toContain("angela.dubois");
    expect(line).not.toContain("DUBOIS");
    expect(line).not.toContain("1962");
  });

  it("follows an error's cause and describes non-errors by their type only", () => {
    const wrapped = new Error("livraison impossible", { cause: new TypeError("fetch failed") });
    expect(serializeError(wrapped)).toMatchObject({ cause: { type: "TypeError", message: "fetch failed" } });
    expect(serializeError({ email: "x@example.fr" })).toEqual({ type: "object" });
  });

  it("falls back to info for an unknown LOG_LEVEL so the configuration check can name it", () => {
    expect(initialLevel("verbeux")).toBe("info");
    expect(initialLevel(undefined)).toBe("info");
    expect(initialLevel("debug")).toBe("debug");
  });
});
