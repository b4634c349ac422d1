import { createHash } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { DEMO_COMMUNES, DEMO_HUBEE_OSL, FOREIGN_PROCESS_CODE } from "../../demo-data.ts";
import { createHubeeSimulator, type HubeeSimulator } from "../index.ts";
import { ContractChecker, createContractChecker } from "./contract.ts";

/**
 * The HubEE simulator alone on a random port, mounted like simulators/server.ts
 * does, with a small HTTP client whose every API response is contract-checked.
 */

export const OSL = DEMO_HUBEE_OSL;
export const ANGERS = DEMO_COMMUNES.find((c) => c.name === "Angers")!;
export const BESANCON = DEMO_COMMUNES.find((c) => c.name === "Besançon")!;
export const RENNES = DEMO_COMMUNES.find((c) => c.name === "Rennes")!;
export const FOREIGN = FOREIGN_PROCESS_CODE;

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON. */
  json: T;
  bytes: Buffer;
}

export interface CallOptions {
  json?: unknown;
  body?: Buffer | string;
  headers?: Record<string, string>;
  /** Skip the contract check (responses forced by fault injection). */
  unchecked?: boolean;
  signal?: AbortSignal;
}

export interface Harness {
  sim: HubeeSimulator;
  url: string;
  apiUrl: string;
  tokenUrl: string;
  adminUrl: string;
  contract: ContractChecker;
  /** POST /oauth2/token with HTTP Basic; returns the raw response. */
  requestToken(clientId: string, clientSecret: string, scope: string): Promise<Response>;
  token(
    who: { clientId: string; clientSecret: string } | { hubeeSi: { clientId: string; clientSecret: string } },
  ): Promise<string>;
  api<T = unknown>(token: string | null, method: string, path: string, options?: CallOptions): Promise<ApiResponse<T>>;
  admin<T = unknown>(method: string, path: string, json?: unknown): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

async function readResponse<T>(response: Response): Promise<ApiResponse<T>> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const isJson = response.headers.get("content-type")?.includes("json") && bytes.length > 0;
  return {
    status: response.status,
    headers: response.headers,
    json: (isJson ? JSON.parse(bytes.toString()) : null) as T,
    bytes,
  };
}

export async function startHarness(options: { tokenTtlSeconds?: number } = {}): Promise<Harness> {
  const sim = await createHubeeSimulator({ tokenTtlSeconds: options.tokenTtlSeconds ?? 3600 });
  const app = express();
  app.use(`/__admin/${sim.name}`, sim.admin);
  for (const route of sim.routes) app.use(route.prefix, route.handler);
  const server = http.createServer(app);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const contract = await createContractChecker();

  const requestToken = (clientId: string, clientSecret: string, scope: string) =>
    fetch(`${url}/hubee-auth/oauth2/token`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "client_credentials", scope }).toString(),
    });

  const harness: Harness = {
    sim,
    url,
    apiUrl: `${url}/hubee`,
    tokenUrl: `${url}/hubee-auth/oauth2/token`,
    adminUrl: `${url}/__admin/hubee`,
    contract,
    requestToken,
    async token(who) {
      const credentials = "hubeeSi" in who ? who.hubeeSi : who;
      const scope = "hubeeSi" in who ? "SI" : "OSL";
      const response = await requestToken(credentials.clientId, credentials.clientSecret, scope);
      if (response.status !== 200) throw new Error(`token: HTTP ${response.status} ${await response.text()}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
    async api<T>(token: string | null, method: string, path: string, call: CallOptions = {}) {
      const headers: Record<string, string> = { ...call.headers };
      if (token) headers.Authorization = `Bearer ${token}`;
      // A copy into a plain Uint8Array: what fetch's BodyInit accepts.
      let body: Uint8Array<ArrayBuffer> | string | undefined =
        typeof call.body === "string" || call.body === undefined ? call.body : new Uint8Array(call.body);
      if (call.json !== undefined) {
        headers["Content-Type"] ??= "application/json";
        body = JSON.stringify(call.json);
      }
      const response = await readResponse<T>(
        await fetch(`${url}/hubee${path}`, { method, headers, body, signal: call.signal }),
      );
      if (!call.unchecked) {
        contract.check({
          method,
          path,
          status: response.status,
          contentType: response.headers.get("content-type"),
          body: response.json ?? (response.bytes.length ? response.bytes.toString() : null),
          bodyLength: response.bytes.length,
        });
      }
      return response;
    },
    async admin<T>(method: string, path: string, json?: unknown) {
      const response = await fetch(`${url}/__admin/hubee${path}`, {
        method,
        headers: json === undefined ? {} : { "Content-Type": "application/json" },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      return readResponse<T>(response);
    },
    async close() {
      await sim.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return harness;
}

/** The three files of the reference form, with their declared metadata. */
export function qfAttachments(lastName = "DUPONT") {
  const data = { external_id: null, pivot_identity: { family_name: lastName, given_name: "Marie" } };
  const files = [
    { fileName: "FormulaireQF.json", mimeType: "application/json", content: Buffer.from(JSON.stringify(data)) },
    {
      fileName: "FormulaireQF.xml",
      mimeType: "application/xml",
      content: Buffer.from(`<qf><nom>${lastName}</nom></qf>`),
    },
    {
      fileName: `quotient_familial_${lastName}_MARIE.pdf`,
      mimeType: "application/pdf",
      content: Buffer.from("%PDF-1.4 demo"),
    },
  ];
  return files;
}

export function folderBody(
  recipient: { siret: string; codeCog: string },
  files = qfAttachments(),
  externalId = `Formulaire-QF-${Math.random().toString(16).slice(2, 15).padEnd(13, "0")}`,
) {
  return {
    processCode: "FormulaireQF",
    externalId,
    applicant: { firstName: "Marie", lastName: "DUPONT" },
    cases: [{ recipient: { companyRegister: recipient.siret, branchCode: recipient.codeCog, type: "SI" }, externalId }],
    attachments: files.map((f) => ({
      fileName: f.fileName,
      type: "FormulaireQF",
      size: f.content.length,
      mimeType: f.mimeType,
      recipients: [externalId],
    })),
  };
}

export const sha256 = (content: Buffer) => createHash("sha256").update(content).digest("base64");

export interface CreatedFolder {
  id: string;
  globalStatus: string;
  cases: Array<{ id: string; externalId: string; status: string }>;
  attachments: Array<{ id: string; fileName: string; status: string; size: number }>;
}

/** The whole sender sequence: create, upload every file with its digest, complete. */
export async function sendQfFolder(h: Harness, oslToken: string, recipient: { siret: string; codeCog: string }) {
  const files = qfAttachments();
  const created = await h.api<CreatedFolder>(oslToken, "POST", "/teledossiers/v1/folders", {
    json: folderBody(recipient, files),
  });
  if (created.status !== 201) throw new Error(`createFolder: ${created.status} ${created.bytes.toString()}`);
  const folder = created.json;
  for (const attachment of folder.attachments) {
    const file = files.find((f) => f.fileName === attachment.fileName)!;
    const upload = await h.api(oslToken, "PUT", `/teledossiers/v1/folders/${folder.id}/attachments/${attachment.id}`, {
      body: file.content,
      headers: { "Content-Type": "application/octet-stream", digest: sha256(file.content) },
    });
    if (upload.status !== 204) throw new Error(`upload: ${upload.status} ${upload.bytes.toString()}`);
  }
  const completed = await h.api(oslToken, "PATCH", `/teledossiers/v1/folders/${folder.id}`, {
    json: { globalStatus: "HUBEE_COMPLETED" },
  });
  if (completed.status !== 204) throw new Error(`complete: ${completed.status} ${completed.bytes.toString()}`);
  return { folder, files, caseId: folder.cases[0].id };
}
