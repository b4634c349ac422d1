import type { Request, RequestHandler, Response } from "express";
import type { ValidateFunction } from "ajv";
import { HubeeError } from "./errors.ts";
import { lazyValidator, toJsonSchema } from "./json-schema.ts";
import type { OpenApiSchema, SpecOperation, SpecParameter } from "./openapi-spec.ts";
import { validationMessages } from "./validation-messages.ts";

/**
 * Validates path, query, header parameters and the JSON body of a request
 * against its operation in the spec, before any business rule runs (the real
 * microservice validates the same way, so a client passing here passes there).
 */

type Location = "path" | "query" | "header";

function parameterObjectSchema(parameters: SpecParameter[]): OpenApiSchema {
  return {
    type: "object",
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
    required: parameters.filter((p) => p.required).map((p) => p.name),
  };
}

function schemaType(schema: OpenApiSchema): unknown {
  return schema.type;
}

/** Query strings are text: convert what the schema says is a number, a boolean or an array. */
function coerce(raw: unknown, schema: OpenApiSchema): unknown {
  const type = schemaType(schema);
  if (type === "array") {
    const values = Array.isArray(raw) ? raw : String(raw).split(",");
    const items = (schema.items as OpenApiSchema | undefined) ?? {};
    return values.map((v) => coerce(v, items));
  }
  if (typeof raw !== "string") return raw;
  if ((type === "number" || type === "integer") && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === "boolean" && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}

function fail(req: Request, messages: Array<{ at: string; text: string }>): never {
  // req.path is below the simulator's prefix, i.e. what the real gateway sees: /teledossiers/v1/…
  const target = `${req.method} ${req.path}`;
  const lines = messages.map((m) => `[ERROR][REQUEST][${target} @${m.at}] ${m.text}`);
  throw new HubeeError(400, `Bad Request : Validation failed.\n${lines.join("\n")}`);
}

const QUERY_KEY = "hubeeQuery";

/** The validated, type-converted query of the current request. */
export function validatedQuery(res: Response): Record<string, unknown> {
  return (res.locals[QUERY_KEY] as Record<string, unknown> | undefined) ?? {};
}

export function createRequestValidator(op: SpecOperation): RequestHandler {
  const byLocation = (location: Location) => op.parameters.filter((p) => p.in === location);
  const compile = (schema: OpenApiSchema): ValidateFunction =>
    lazyValidator(() => toJsonSchema(schema, { mode: "request" }));
  const validators = {
    path: compile(parameterObjectSchema(byLocation("path"))),
    query: compile(parameterObjectSchema(byLocation("query"))),
    header: compile(parameterObjectSchema(byLocation("header"))),
  };
  const queryParams = byLocation("query");
  const headerParams = byLocation("header");
  const body = op.requestBody;
  const bodyValidator = body?.contentType === "application/json" ? compile(body.schema) : null;

  return (req, res, next) => {
    const messages: Array<{ at: string; text: string }> = [];
    const check = (location: Location, validate: ValidateFunction, value: Record<string, unknown>) => {
      if (!validate(value)) messages.push(...validationMessages(validate.errors ?? [], location));
    };

    check("path", validators.path, { ...req.params });

    const query: Record<string, unknown> = {};
    for (const name of Object.keys(req.query)) {
      const param = queryParams.find((p) => p.name === name);
      if (!param) {
        messages.push({ at: `query.${name}`, text: `Query parameter '${name}' is unexpected on path "${op.path}"` });
        continue;
      }
      query[name] = coerce(req.query[name], param.schema);
    }
    check("query", validators.query, query);

    const headers: Record<string, unknown> = {};
    for (const param of headerParams) {
      const value = req.get(param.name);
      if (value !== undefined) headers[param.name] = value;
    }
    check("header", validators.header, headers);

    if (body) {
      const matches = req.is(body.contentType);
      if (matches === false) {
        messages.push({
          at: "body",
          text: `Request Content-Type header '${req.get("content-type")}' does not match any allowed types. Must be one of: [${body.contentType}].`,
        });
      } else if (bodyValidator) {
        if (matches === null) {
          messages.push({ at: "body", text: "A request body is required but none found." });
        } else if (!bodyValidator(req.body)) {
          messages.push(...validationMessages(bodyValidator.errors ?? [], "body"));
        }
      }
    }

    if (messages.length) fail(req, messages);
    res.locals[QUERY_KEY] = query;
    next();
  };
}
