import Ajv2019 from "ajv/dist/2019.js";
import addFormats from "ajv-formats";
import type { OpenApiSchema } from "./openapi-spec.ts";

/**
 * OpenAPI 3.0 schemas are not quite JSON Schema: `nullable`, and `readOnly`
 * properties listed in `required` that a client must not send. This turns them
 * into JSON Schema for ajv (draft 2019-09, for `unevaluatedProperties`).
 */

export interface ConvertOptions {
  /** Requests drop readOnly properties from `required`; responses drop writeOnly ones. */
  mode: "request" | "response";
  /**
   * Forbid properties the spec does not declare (contract tests), so the
   * simulator cannot invent fields. Objects combined through `allOf` are closed
   * at the `allOf` level, where all branches' properties are known.
   */
  closed?: boolean;
}

const OPENAPI_ONLY_KEYWORDS = new Set([
  "nullable",
  "readOnly",
  "writeOnly",
  "example",
  "xml",
  "externalDocs",
  "deprecated",
  "discriminator",
]);

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function convertNode(node: Node, options: ConvertOptions, insideAllOf: boolean): Node {
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (OPENAPI_ONLY_KEYWORDS.has(key)) continue;
    if (key === "properties" && isNode(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, prop]) => [name, isNode(prop) ? convertNode(prop, options, false) : prop]),
      );
    } else if ((key === "items" || key === "not" || key === "additionalProperties") && isNode(value)) {
      out[key] = convertNode(value, options, false);
    } else if ((key === "allOf" || key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = value.map((branch) => (isNode(branch) ? convertNode(branch, options, key === "allOf") : branch));
    } else {
      out[key] = value;
    }
  }
  const properties = isNode(node.properties) ? node.properties : {};
  if (Array.isArray(node.required)) {
    const hidden = options.mode === "request" ? "readOnly" : "writeOnly";
    out.required = (node.required as string[]).filter((name) => {
      const prop = properties[name];
      return !(isNode(prop) && prop[hidden] === true);
    });
  }
  if (options.closed && !insideAllOf && (out.properties || out.allOf) && out.additionalProperties === undefined) {
    out.unevaluatedProperties = false;
  }
  return node.nullable === true ? { anyOf: [{ type: "null" }, out] } : out;
}

export function toJsonSchema(schema: OpenApiSchema, options: ConvertOptions): Node {
  return convertNode(schema, options, false);
}

export type Ajv = InstanceType<typeof Ajv2019>;
type ValidateFunction = ReturnType<Ajv["compile"]>;

export function createAjv(): Ajv {
  // strict: false because the spec carries keywords ajv does not know
  // (`minLength` on arrays, `example`): the real validator ignores them too.
  // verbose: errors carry the offending value, quoted in messages.
  const ajv = new Ajv2019({ strict: false, allErrors: true, verbose: true });
  addFormats(ajv);
  // `format: string` appears on attachment recipients: no constraint.
  ajv.addFormat("string", true);
  return ajv;
}

let shared: { ajv: Ajv; cache: Map<string, ValidateFunction> } | null = null;

/**
 * Compiling is the slow part of starting a simulator (tests start many): one
 * ajv per process, validators cached by schema text, and compiled on first use.
 */
export function compileSchema(schema: Node): ValidateFunction {
  shared ??= { ajv: createAjv(), cache: new Map() };
  const key = JSON.stringify(schema);
  let validate = shared.cache.get(key);
  if (!validate) {
    validate = shared.ajv.compile(schema);
    shared.cache.set(key, validate);
  }
  return validate;
}

/** A validator compiled the first time it is called. */
export function lazyValidator(schema: () => Node): ValidateFunction {
  let compiled: ValidateFunction | null = null;
  const validate = ((data: unknown) => {
    compiled ??= compileSchema(schema());
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  }) as ValidateFunction;
  return validate;
}
