import { errors, type Configuration } from "oidc-provider";

/** Extra constraints the real providers put on the authorization request. */
export interface AuthorizeRules {
  /** Minimum length of `state`; 0 = optional. */
  stateMinLength: number;
  /** Minimum length of `nonce`; 0 = optional. */
  nonceMinLength: number;
  /** When set, `acr_values` is mandatory and each value must be one of these. */
  requiredAcrValues?: string[];
}

type Validator = NonNullable<Extract<Configuration["extraParams"], Record<string, unknown>>[string]>;

function minLength(param: string, min: number): Validator {
  return async (_ctx, value) => {
    if (typeof value !== "string" || value.length === 0) {
      throw new errors.InvalidRequest(`Le paramètre ${param} est obligatoire.`);
    }
    if (value.length < min) {
      throw new errors.InvalidRequest(`Le paramètre ${param} doit contenir au moins ${min} caractères.`);
    }
  };
}

/**
 * The rules as oidc-provider `extraParams` validators. They run after the
 * client and its redirect_uri have been checked, so a violation comes back to
 * the client as `error=invalid_request` on its redirect_uri, like the real
 * providers do.
 */
export function authorizeValidators(rules: AuthorizeRules): Record<string, Validator> {
  const validators: Record<string, Validator> = {};
  if (rules.stateMinLength > 0) validators.state = minLength("state", rules.stateMinLength);
  if (rules.nonceMinLength > 0) validators.nonce = minLength("nonce", rules.nonceMinLength);
  const acrs = rules.requiredAcrValues;
  if (acrs) {
    validators.acr_values = async (_ctx, value) => {
      const requested = typeof value === "string" ? value.split(" ").filter(Boolean) : [];
      if (requested.length === 0 || requested.some((v) => !acrs.includes(v))) {
        throw new errors.InvalidRequest(`Le paramètre acr_values doit valoir ${acrs.join(" ou ")}.`);
      }
    };
  }
  return validators;
}
