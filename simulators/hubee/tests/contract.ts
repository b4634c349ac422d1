import type { ValidateFunction } from "ajv";
import { createAjv, toJsonSchema } from "../json-schema.ts";
import { loadHubeeSpec, type HubeeSpec, type SpecOperation } from "../openapi-spec.ts";

/**
 * Checks a real HTTP response of the simulator against the official spec: the
 * status must be documented for the operation and the body must match its
 * schema with undeclared properties forbidden. Every test response goes
 * through it, so the simulator cannot drift from the spec unnoticed.
 */

/** Gateway (WSO2) answers, valid on any operation though the microservice spec does not list them. */
const GATEWAY_CODES: Record<number, number[]> = { 401: [900901, 900902], 403: [900910] };

/**
 * Statuses the simulator returns where the spec documents none: createEvent
 * lists no 404, yet an unknown case must be told apart from a forbidden one
 * (the other case routes answer 404 "Case is not found").
 */
export const DOCUMENTED_DEVIATIONS: Array<{ operationId: string; status: number }> = [
  { operationId: "createEvent", status: 404 },
];

export interface ObservedResponse {
  method: string;
  /** Path below the simulator's API prefix, with query: `/teledossiers/v1/folders?x=y`. */
  path: string;
  status: number;
  contentType: string | null;
  /** Parsed JSON, raw text, or null when empty. */
  body: unknown;
  bodyLength: number;
}

export class ContractViolation extends Error {}

export class ContractChecker {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajv = createAjv();
  readonly covered = new Set<string>();

  constructor(readonly spec: HubeeSpec) {}

  operationFor(method: string, pathWithQuery: string): SpecOperation | undefined {
    const path = pathWithQuery.split("?")[0];
    return this.spec.operations.find(
      (op) =>
        op.method === method.toLowerCase() &&
        path.startsWith(op.basePath) &&
        op.pathPattern.test(path.slice(op.basePath.length)),
    );
  }

  private validator(op: SpecOperation, status: string, schema: Record<string, unknown>, closed: boolean) {
    const key = `${op.operationId} ${status} ${closed}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema, { mode: "response", closed }));
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** Throws a ContractViolation describing the first mismatch. */
  check(response: ObservedResponse): void {
    const where = `${response.method} ${response.path} → ${response.status}`;
    const op = this.operationFor(response.method, response.path);
    if (!op) throw new ContractViolation(`${where}: no operation in the spec`);
    const errorCode = (response.body as { errors?: Array<{ code?: number }> } | null)?.errors?.[0]?.code;
    const gatewayCodes = GATEWAY_CODES[response.status];
    if (gatewayCodes && errorCode !== undefined && gatewayCodes.includes(errorCode)) {
      // Gateway errors carry an extra `description`: checked against the open Error schema.
      const errorSchema = this.spec.schemas.teledossiers.Error;
      const validate = this.validator(op, `gateway-${response.status}`, errorSchema, false);
      if (!validate(response.body)) throw new ContractViolation(`${where}: ${this.ajv.errorsText(validate.errors)}`);
      this.covered.add(`${op.operationId} ${response.status}`);
      return;
    }
    const documented = op.responses[String(response.status)];
    if (!documented) {
      const allowed = DOCUMENTED_DEVIATIONS.some(
        (d) => d.operationId === op.operationId && d.status === response.status,
      );
      if (!allowed) {
        throw new ContractViolation(
          `${where}: status not documented for ${op.operationId} (documented: ${Object.keys(op.responses).join(", ")})`,
        );
      }
      const validate = this.validator(op, "deviation", this.spec.schemas.teledossiers.Error, true);
      if (!validate(response.body)) throw new ContractViolation(`${where}: ${this.ajv.errorsText(validate.errors)}`);
      this.covered.add(`${op.operationId} ${response.status}`);
      return;
    }
    if (!documented.contentType) {
      if (response.bodyLength !== 0) throw new ContractViolation(`${where}: the spec documents no body`);
    } else if (documented.contentType === "application/json") {
      if (!response.contentType?.startsWith("application/json")) {
        throw new ContractViolation(`${where}: expected JSON, got ${response.contentType}`);
      }
      if (documented.schema) {
        const validate = this.validator(op, String(response.status), documented.schema, true);
        if (!validate(response.body)) {
          throw new ContractViolation(`${where}: ${this.ajv.errorsText(validate.errors, { separator: "; " })}`);
        }
      }
    } else if (!response.contentType?.startsWith(documented.contentType)) {
      throw new ContractViolation(`${where}: expected ${documented.contentType}, got ${response.contentType}`);
    }
    this.covered.add(`${op.operationId} ${response.status}`);
  }

  coveredOperations(): Set<string> {
    return new Set([...this.covered].map((entry) => entry.split(" ")[0]));
  }
}

export async function createContractChecker(): Promise<ContractChecker> {
  return new ContractChecker(await loadHubeeSpec());
}
