import type { RequestHandler } from "express";
import { qfParamsFromQuery } from "./civility-params.ts";
import { validateCivility } from "./civility-validation.ts";
import { apiErrors, sendErrors } from "./errors.ts";
import { identityKey } from "./identity-key.ts";
import { fixtureAnswer, notFoundAnswer, syntheticAnswer } from "./qf-answer.ts";
import type { QfDeps } from "./qf-deps.ts";
import { exchangeOf } from "./qf-exchange.ts";
import { resolvePeriod } from "./qf-period.ts";
import { readRawQuery } from "./query-params.ts";
import { recipientError } from "./recipient.ts";
import { hasAnyQfScope } from "./scopes.ts";
import { isSyntheticName } from "./synthetic-population.ts";

export const IDENTITE_PATH = "/v3/dss/quotient_familial/identite";

/**
 * `/identite`, up to the provider call: token (401), habilitation (403), recipient and
 * parameters (422), then the answer the provider would give. A request carrying exactly
 * the parameter set of a staging case gets that case as staging serves it, before the
 * parameter checks (staging's own 404 case has no prenoms[], its oldest period is past
 * the 24-month window); anything else is validated like production.
 */
export function prepareIdentite(deps: QfDeps): RequestHandler {
  return (req, res, next) => {
    const exchange = exchangeOf(res);
    const now = deps.now();
    const check = deps.tokens.check(exchange.hasToken ? exchange.token : undefined, now);
    if (check.token) exchange.tokenLabel = check.token.label || null;
    if (check.status !== "valid") {
      exchange.outcome = `token_${check.status}`;
      const error = {
        unknown: apiErrors.invalidToken,
        expired: apiErrors.expiredToken,
        blacklisted: apiErrors.blacklistedToken,
      }[check.status]();
      return sendErrors(res, 401, [error]);
    }
    if (!hasAnyQfScope(check.token.scopes)) {
      exchange.outcome = "insufficient_privileges";
      return sendErrors(res, 403, [apiErrors.insufficientPrivileges()]);
    }
    exchange.scopes = check.token.scopes;

    const query = readRawQuery(req.originalUrl);
    const recipientProblem = recipientError(query);
    if (recipientProblem) {
      exchange.outcome = "invalid_params";
      return sendErrors(res, 422, [recipientProblem]);
    }
    const { params, malformed } = qfParamsFromQuery(query);
    const staging = malformed.length === 0 ? deps.fixtures.matchExact("with-civility", params) : undefined;
    if (staging) {
      exchange.identityKey = identityKey(params);
      exchange.answer = fixtureAnswer(staging);
      return next();
    }
    const date = new Date(now);
    const validated = validateCivility(params, malformed, date);
    const resolved = resolvePeriod(params.annee, params.mois, date);
    if ("errors" in validated || "error" in resolved) {
      exchange.outcome = "invalid_params";
      const errors = [
        ...("errors" in validated ? validated.errors : []),
        ...("error" in resolved ? [resolved.error] : []),
      ];
      return sendErrors(res, 422, errors);
    }
    exchange.identityKey = identityKey(params);
    exchange.answer = isSyntheticName(validated.civility.nomNaissance)
      ? syntheticAnswer(validated.civility, resolved.period)
      : notFoundAnswer();
    next();
  };
}
