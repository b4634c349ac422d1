import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { runWithLogContext } from "./log-context.server";
import { createLogger, initialLevel, serializeError } from "./logger.server";

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

  it("falls back to info for an unknown LOG_LEVEL so the configuration check can name it", () => {
    expect(initialLevel("verbeux")).toBe("info");
    expect(initialLevel(undefined)).toBe("info");
    expect(initialLevel("debug")).toBe("debug");
  });

  it("stamps every line of a request or job run with its id, through awaits, and nothing outside", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    });
    const log = createLogger(sink);
    log.level = "info"; // tests run with LOG_LEVEL=silent
    await runWithLogContext({ requestId: "req-12345678" }, async () => {
      log.info("avant");
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.info({ agentId: "a1" }, "après");
      await runWithLogContext({ job: "run-exports" }, async () => log.info("imbriqué"));
    });
    log.info("hors requête");
    expect(lines.map(({ msg, requestId, job }) => ({ msg, requestId, job }))).toEqual([
      { msg: "avant", requestId: "req-12345678", job: undefined },
      { msg: "après", requestId: "req-12345678", job: undefined },
      { msg: "imbriqué", requestId: "req-12345678", job: "run-exports" },
      { msg: "hors requête", requestId: undefined, job: undefined },
    ]);
    expect(lines[1]).toMatchObject({ agentId: "a1", service: "portail-qf" });
  });

  it("masks personal data and secrets under their usual keys, at the top level and one level down", () => {
    let line = "";
    const sink = new Writable({
      write(chunk, _encoding, done) {
        line += String(chunk);
        done();
      },
    });
    const log = createLogger(sink);
    log.level = "info";
    log.info(
      {
        email: "angela@example.fr",
        sub: "fc-sub-123",
        agent: { familyName: "DUBOIS", givenNames: "Angela", idToken: "eyJ.x.y" },
        claims: { birthdate: "1962-08-24", external_id: "famille-42" },
        collectivityId: "c-1",
      },
      "connexion",
    );
    const logged = JSON.parse(line) as Record<string, unknown>;
    for (const value of ["angela@example.fr", "fc-sub-123", "DUBOIS", "Angela", "eyJ.x.y", "1962", "famille-42"]) {
      expect(line).not.toContain(value);
    }
    expect(logged).toMatchObject({ email: "[masqué]", agent: { familyName: "[masqué]" }, collectivityId: "c-1" });
  });
});
