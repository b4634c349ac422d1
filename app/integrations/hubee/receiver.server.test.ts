import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubeeTestServer, type HubeeTestServer } from "../../../tests/helpers/hubee-test-server.ts";
import { HubeeError } from "./errors.server";
import {
  createHubeeReceiver,
  HubeeDigestMismatchError,
  MAX_ATTACHMENT_BYTES,
  normaliseDigest,
} from "./receiver.server";

let server: HubeeTestServer;

beforeAll(async () => {
  server = await startHubeeTestServer();
});

afterAll(async () => {
  await server?.close();
});

const receiver = () => createHubeeReceiver(server.client());

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.unreachable("the call should have failed"),
    (error: unknown) => error,
  );
}

const bytes = Buffer.from("%PDF-1.7 quotient familial");
const sha256 = crypto.createHash("sha256").update(bytes).digest();
const base64 = sha256.toString("base64");

describe("normaliseDigest", () => {
  it.each([
    ["HubEE's bare base64", base64],
    ["hex", sha256.toString("hex")],
    ["base64url", sha256.toString("base64url")],
    ["RFC 3230", `SHA-256=${base64}`],
    ["RFC 9530", `sha-256=:${base64}:`],
    ["RFC 9530 with another algorithm first", `sha-512=:${Buffer.alloc(64).toString("base64")}:, sha-256=:${base64}:`],
    ["RFC 9530 with parameters", `sha-256=:${base64}:;foo=1`],
    ["RFC 3230 list", `MD5=HUXZLQLMuI/KZ5KDcJPcOA==, SHA-256=${base64}`],
  ])("reads %s", (_label, header) => {
    expect(normaliseDigest(header)).toBe(base64);
  });

  it.each([
    ["another algorithm only", `sha-512=:${Buffer.alloc(64).toString("base64")}:`],
    ["garbage", "n/a"],
    ["a truncated value", `sha-256=:${base64.slice(0, 20)}:`],
  ])("returns null for %s", (_label, header) => {
    expect(normaliseDigest(header)).toBeNull();
  });
});

describe("downloadAttachment", () => {
  it("verifies the file against Repr-Digest (RFC 9530)", async () => {
    server.handle((_req, res) => res.writeHead(200, { "Repr-Digest": `sha-256=:${base64}:` }).end(bytes));
    const file = await receiver().downloadAttachment("c1", "a1", bytes.length);
    expect(file).toMatchObject({ sha256: base64, hubeeDigest: `sha-256=:${base64}:`, digestVerified: true });
  });

  it("still reports a real mismatch, whatever the form of the digest", async () => {
    const other = crypto.createHash("sha256").update("autre chose").digest("base64");
    server.handle((_req, res) => res.writeHead(200, { "Repr-Digest": `sha-256=:${other}:` }).end(bytes));
    expect(await failure(receiver().downloadAttachment("c1", "a1", bytes.length))).toBeInstanceOf(
      HubeeDigestMismatchError,
    );
  });

  it("keeps a file whose digest header it cannot read as not verified, without calling it altered", async () => {
    server.handle((_req, res) => res.writeHead(200, { digest: "sha-512=:AAAA:" }).end(bytes));
    const file = await receiver().downloadAttachment("c1", "a1", bytes.length);
    expect(file).toMatchObject({ content: bytes, hubeeDigest: "sha-512=:AAAA:", digestVerified: false });
  });

  it("refuses a file whose Content-Length exceeds its declared size, without reading it", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Length": String(bytes.length + 1) });
      res.write(bytes); // the last byte never comes: the client must not wait for it
    });
    const error = await failure(receiver().downloadAttachment("c1", "a1", bytes.length));
    expect(error).toBeInstanceOf(HubeeError);
    expect(error).toMatchObject({ transient: false });
    expect((error as Error).message).toMatch(/trop grosse/);
  });

  it("refuses a file whose Content-Length exceeds the hard cap, whatever the declared size", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Length": String(MAX_ATTACHMENT_BYTES + 1) });
      res.write(bytes);
    });
    expect(await failure(receiver().downloadAttachment("c1", "a1"))).toMatchObject({ transient: false });
    expect(await failure(receiver().downloadAttachment("c1", "a1", MAX_ATTACHMENT_BYTES * 2))).toMatchObject({
      transient: false,
    });
  });

  it("counts the bytes of a body without Content-Length against the declared size", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Transfer-Encoding": "chunked" });
      res.write(bytes);
      res.end(bytes);
    });
    const error = await failure(receiver().downloadAttachment("c1", "a1", bytes.length));
    expect(error).toBeInstanceOf(HubeeError);
    expect(error).toMatchObject({ transient: false });
  });

  it("counts the bytes of a body without Content-Length against the hard cap", async () => {
    const chunk = Buffer.alloc(1024 * 1024);
    let sent = 0;
    server.handle((_req, res) => {
      res.writeHead(200, { "Transfer-Encoding": "chunked" });
      // An endless body: only the cap stops it.
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    });
    const error = await failure(receiver().downloadAttachment("c1", "a1"));
    expect(error).toBeInstanceOf(HubeeError);
    expect(error).toMatchObject({ transient: false });
    expect(sent).toBeLessThan(MAX_ATTACHMENT_BYTES * 2);
  });

  it("accepts a file of exactly its declared size", async () => {
    server.handle((_req, res) => res.writeHead(200, { "Transfer-Encoding": "chunked", digest: base64 }).end(bytes));
    const file = await receiver().downloadAttachment("c1", "a1", bytes.length);
    expect(file).toMatchObject({ digestVerified: true });
    expect(Buffer.compare(file.content, bytes)).toBe(0);
  });

  it("turns a connection cut while the file arrives into a transient HubeeError", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "Content-Length": String(bytes.length) });
      res.write(bytes.subarray(0, 5));
      setTimeout(() => res.destroy(), 20);
    });
    const error = await failure(receiver().downloadAttachment("c1", "a1", bytes.length));
    expect(error).toBeInstanceOf(HubeeError);
    expect(error).toMatchObject({ status: null, transient: true });
  });
});

describe("listNotifications", () => {
  it("reads each item on its own, and does not require the fields it never reads", async () => {
    const complete = {
      id: "n1",
      processCode: "FormulaireQF",
      caseId: "c1",
      eventId: null,
      recipient: { type: "SI", companyRegister: "21490007900010", branchCode: "49007" },
      transmitter: { type: "OSL", companyRegister: "13002526500021", branchCode: "75107" },
      dateTime: "2025-03-01T10:00:00Z",
    };
    const items = [
      complete,
      // transmitter without branchCode, no recipient, no dateTime: nothing read is missing.
      { id: "n2", processCode: "FormulaireQF", caseId: "c2", eventId: null, transmitter: { type: "OSL" } },
      { ...complete, id: "n3", caseId: 42 },
      { processCode: "FormulaireQF", caseId: "c4" },
      "pas une notification",
    ];
    server.handle((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(items)));
    const page = await receiver().listNotifications({ processCode: "FormulaireQF" });
    expect(page.notifications).toEqual([
      { id: "n1", processCode: "FormulaireQF", caseId: "c1", eventId: null },
      { id: "n2", processCode: "FormulaireQF", caseId: "c2", eventId: null },
    ]);
    expect(page.malformed).toEqual([
      { id: "n3", issues: ["caseId: invalid_type"] },
      { id: null, issues: ["id: invalid_type"] },
      { id: null, issues: ["(item): invalid_type"] },
    ]);
  });

  it("still refuses a page that is not a list", async () => {
    server.handle((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end('{"items":[]}'));
    expect(await failure(receiver().listNotifications())).toMatchObject({ transient: false });
  });
});
