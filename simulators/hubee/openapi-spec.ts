import { readFile } from "node:fs/promises";
import SwaggerParser from "@apidevtools/swagger-parser";
import { parse } from "yaml";

/**
 * The two official HubEE specs, copied into ./openapi so the simulator never
 * reads outside its folder. Routes, scopes, parameters and body schemas all
 * come from here, so the simulator's surface is the spec's surface.
 */

export const FOLDER_SPEC_FILE = new URL("./openapi/hubee_api_folder_v1.2.7.yaml", import.meta.url);
export const SUBSCRIPTION_SPEC_FILE = new URL("./openapi/hubee_api_subscription_v1.2.3.yaml", import.meta.url);

/** An OpenAPI 3.0 schema object (after dereferencing: no $ref left). */
export type OpenApiSchema = Record<string, unknown>;

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface SpecParameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: OpenApiSchema;
}

export interface SpecResponse {
  /** JSON or binary body schema, absent for bodiless responses (204). */
  contentType?: string;
  schema?: OpenApiSchema;
}

export interface SpecOperation {
  /** `/teledossiers/v1` or `/referential/v1` (the gateway's `x-wso2-basePath`). */
  basePath: string;
  method: HttpMethod;
  /** Spec path template, e.g. `/folders/{folderId}`. */
  path: string;
  operationId: string;
  /** OAuth2 scopes allowed by the operation's `security`. */
  scopes: string[];
  parameters: SpecParameter[];
  requestBody?: { required: boolean; contentType: string; schema: OpenApiSchema };
  responses: Record<string, SpecResponse>;
  /** Matches a concrete path below the base path. */
  pathPattern: RegExp;
}

export interface HubeeSpec {
  operations: SpecOperation[];
  operation(operationId: string): SpecOperation;
  /** Component schemas by name, per API (dereferenced). */
  schemas: { teledossiers: Record<string, OpenApiSchema>; referential: Record<string, OpenApiSchema> };
}

/**
 * What README §3 documents (and clients in production rely on) beyond the v1.2.7
 * file: `GET /notifications?eventDetails=true` adds `eventActionType` and
 * `eventStatus` to each notification. The referential returns the subscriber's
 * `name` (read by the reference form's sandbox job). Applied to both the
 * simulator and the contract tests, so they stay the only tolerated additions.
 */
function applyDocumentedExtensions(folderSpec: SpecDocument, subscriptionSpec: SpecDocument): void {
  const listNotification = folderSpec.paths["/notifications"]?.get as RawOperation | undefined;
  listNotification?.parameters?.push({
    name: "eventDetails",
    in: "query",
    required: false,
    schema: { type: "boolean" },
  });
  const notification = folderSpec.components.schemas.Notification as { properties: Record<string, unknown> };
  notification.properties.eventActionType = { type: "string", maxLength: 100, nullable: true };
  notification.properties.eventStatus = { type: "string", maxLength: 12, nullable: true };
  const subscriber = subscriptionSpec.components.schemas.OrganizationIdentifier as {
    properties: Record<string, unknown>;
  };
  subscriber.properties.name = { type: "string", maxLength: 255 };
}

interface RawParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: OpenApiSchema;
}

interface RawOperation {
  operationId: string;
  security?: Array<Record<string, string[]>>;
  parameters?: RawParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: OpenApiSchema }> };
  responses: Record<string, { content?: Record<string, { schema?: OpenApiSchema }> }>;
}

interface SpecDocument {
  "x-wso2-basePath": string;
  paths: Record<string, Record<string, RawOperation | RawParameter[]>>;
  components: { schemas: Record<string, OpenApiSchema> };
}

const METHODS: HttpMethod[] = ["get", "post", "put", "patch", "delete"];

function pathPattern(template: string): RegExp {
  const escaped = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "([^/]+)" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${escaped}/?$`);
}

function toParameter(raw: RawParameter): SpecParameter {
  return {
    name: raw.name,
    in: raw.in as SpecParameter["in"],
    required: raw.required ?? raw.in === "path",
    schema: raw.schema ?? {},
  };
}

function collectOperations(doc: SpecDocument): SpecOperation[] {
  const basePath = doc["x-wso2-basePath"];
  const operations: SpecOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = ((item.parameters as RawParameter[] | undefined) ?? []).map(toParameter);
    for (const method of METHODS) {
      const raw = item[method] as RawOperation | undefined;
      if (!raw) continue;
      const own = (raw.parameters ?? []).map(toParameter);
      const parameters = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own];
      const bodyContent = raw.requestBody ? Object.entries(raw.requestBody.content)[0] : undefined;
      const responses: Record<string, SpecResponse> = {};
      for (const [status, response] of Object.entries(raw.responses)) {
        const content = response.content ? Object.entries(response.content)[0] : undefined;
        responses[status] = content ? { contentType: content[0], schema: content[1].schema } : {};
      }
      operations.push({
        basePath,
        method,
        path,
        operationId: raw.operationId,
        scopes: raw.security?.[0]?.dinum_auth ?? [],
        parameters,
        requestBody: bodyContent
          ? { required: raw.requestBody?.required ?? false, contentType: bodyContent[0], schema: bodyContent[1].schema }
          : undefined,
        responses,
        pathPattern: pathPattern(path),
      });
    }
  }
  return operations;
}

async function loadDocument(file: URL): Promise<SpecDocument> {
  return parse(await readFile(file, "utf8")) as SpecDocument;
}

let cached: Promise<HubeeSpec> | null = null;

/** Parsed once per process: the dereferenced documents are shared and never mutated afterwards. */
export function loadHubeeSpec(): Promise<HubeeSpec> {
  cached ??= (async () => {
    const [folderRaw, subscriptionRaw] = await Promise.all([
      loadDocument(FOLDER_SPEC_FILE),
      loadDocument(SUBSCRIPTION_SPEC_FILE),
    ]);
    applyDocumentedExtensions(folderRaw, subscriptionRaw);
    const folderSpec = (await SwaggerParser.dereference(folderRaw as never)) as unknown as SpecDocument;
    const subscriptionSpec = (await SwaggerParser.dereference(subscriptionRaw as never)) as unknown as SpecDocument;
    const operations = [...collectOperations(folderSpec), ...collectOperations(subscriptionSpec)];
    const byId = new Map(operations.map((op) => [op.operationId, op]));
    return {
      operations,
      operation(operationId) {
        const op = byId.get(operationId);
        if (!op) throw new Error(`Unknown HubEE operation ${operationId}`);
        return op;
      },
      schemas: { teledossiers: folderSpec.components.schemas, referential: subscriptionSpec.components.schemas },
    };
  })();
  return cached;
}
