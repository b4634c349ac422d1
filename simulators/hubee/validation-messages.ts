import type { ErrorObject } from "ajv";

/**
 * HubEE validates requests with a swagger request validator whose messages look
 * like `[ERROR][REQUEST][GET /teledossiers/v1/notifications @query.maxResult]
 * Instance type (string) does not match…` (examples in the spec). ajv's errors
 * are reworded in that style so client logs read the same against both.
 */

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function allowedTypes(type: unknown): string {
  const types = (Array.isArray(type) ? type : [type]).flatMap((t) => (t === "number" ? ["integer", "number"] : [t]));
  return JSON.stringify([...new Set(types)]);
}

function describe(error: ErrorObject): string {
  const value = error.data;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return `Object has missing required properties (${JSON.stringify([params.missingProperty])})`;
    case "type":
      return `Instance type (${jsonType(value)}) does not match any allowed primitive type (allowed: ${allowedTypes(params.type)})`;
    case "maxLength":
      return `String "${String(value)}" is too long (length: ${String(value).length}, maximum allowed: ${params.limit})`;
    case "minLength":
      return `String "${String(value)}" is too short (length: ${String(value).length}, required minimum: ${params.limit})`;
    case "format":
      if (params.format === "uuid") return `Input string "${String(value)}" is not a valid UUID`;
      if (params.format === "date-time") {
        return `String "${String(value)}" is invalid against requested date format(s) [yyyy-MM-dd'T'HH:mm:ssZ, yyyy-MM-dd'T'HH:mm:ss.[0-9]{1,12}Z]`;
      }
      return `String "${String(value)}" is not a valid ${params.format}`;
    case "pattern":
      return `ECMA 262 regex "${params.pattern}" does not match input string "${String(value)}"`;
    case "enum":
      return `Instance value (${JSON.stringify(value)}) not found in enum (possible values: ${JSON.stringify(params.allowedValues)})`;
    case "minItems":
      return `Array is too short: must have at least ${params.limit} elements but instance has ${Array.isArray(value) ? value.length : 0} elements`;
    case "maxItems":
      return `Array is too long: must have at most ${params.limit} elements but instance has ${Array.isArray(value) ? value.length : 0} elements`;
    case "minimum":
      return `Numeric instance is lower than the required minimum (minimum: ${params.limit}, found: ${String(value)})`;
    default:
      return error.message ?? "Invalid value";
  }
}

/**
 * Errors produced by the `{anyOf: [{type: null}, …]}` wrapper of nullable
 * schemas only say "null was not it": the real reason is in the other branch.
 */
function isNullableNoise(error: ErrorObject): boolean {
  if (error.keyword === "anyOf") return true;
  return error.keyword === "type" && /\/anyOf\/0\/type$/.test(error.schemaPath) && error.params.type === "null";
}

/** `/cases/0/recipient` → `[Path '/cases/0/recipient'] `, as the real validator prefixes nested errors. */
function pathPrefix(instancePath: string): string {
  return instancePath ? `[Path '${instancePath}'] ` : "";
}

/**
 * One message per error. `location` is `body`, or `query`/`path`/`header` whose
 * validated object is keyed by parameter name (the first path segment).
 */
export function validationMessages(errors: ErrorObject[], location: "body" | "query" | "path" | "header") {
  return errors
    .filter((e) => !isNullableNoise(e))
    .map((error) => {
      if (location === "body") return { at: "body", text: pathPrefix(error.instancePath) + describe(error) };
      const [, name = "", ...rest] = error.instancePath.split("/");
      const paramName = name || String((error.params as Record<string, unknown>).missingProperty ?? "");
      const text =
        error.keyword === "required" && !name
          ? `Parameter '${paramName}' is required but is missing.`
          : pathPrefix(rest.length ? `/${rest.join("/")}` : "") + describe(error);
      return { at: `${location}.${paramName}`, text };
    });
}
