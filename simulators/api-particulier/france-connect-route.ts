import type { RequestHandler } from "express";
import type { FranceConnectTokenIntrospection } from "../shared/types.ts";
import { validateCivility } from "./civility-validation.ts";
import { apiErrors, sendErrors, type ApiParticulierError } from "./errors.ts";
import { fixtureForLogin } from "./fc-user-fixtures.ts";
import { paramsFromFranceConnect } from "./france-connect-identity.ts";
import { identityKey } from "./identity-key.ts";
import { fixtureAnswer, notFoundAnswer, syntheticAnswer } from "./qf-answer.ts";
import type { QfDeps } from "./qf-deps.ts";
import { exchangeOf, type QfAnswer, type QfExchange } from "./qf-exchange.ts";
import { resolvePeriod, type QfPeriod } from "./qf-period.ts";
import { readRawQuery, scalar } from "./query-params.ts";
import { recipientError } from "./recipient.ts";
import { hasAnyQfScope, hasPivotIdentityScope } from "./scopes.ts";
import { isSyntheticName } from "./synthetic-population.ts";

export const FRANCE_CONNECT_PATH = "/v3/dss/quotient_familial/france_connect";

/**
 * `/france_connect`: API Particulier checks the citizen's FranceConnect access token
 * with FranceConnect (here: the FranceConnect simulator's introspection, or one of
 * staging's fake tokens such as `cnaf_qfv2`), takes the pivot identity from it, and
 * asks the provider. Data: the login's entry in FC_USER_FIXTURES, else the
 * FranceConnect-route staging case with the same identity, else the synthetic
 * population, else 404.
 */
export function prepareFranceConnect(deps: QfDeps): RequestHandler {
  return (req, res, next) => {
    const exchange = exchangeOf(res);
    prepare(deps, req.originalUrl, exchange)
      .then((result) => {
        if ("answer" in result) {
          exchange.answer = result.answer;
          return next();
        }
        exchange.outcome = result.outcome;
        sendErrors(res, result.status, result.errors);
      })
      .catch(next);
  };
}

type Prepared = { answer: QfAnswer } | { status: number; errors: ApiParticulierError[]; outcome: string };

async function prepare(deps: QfDeps, originalUrl: string, exchange: QfExchange): Promise<Prepared> {
  if (!exchange.hasToken) return { status: 401, errors: [apiErrors.invalidToken()], outcome: "token_unknown" };
  const introspection =
    deps.fixtures.fakeTokens.get(exchange.token)?.introspection ??
    (await deps.introspectFranceConnectToken(exchange.token));
  const now = deps.now();
  const tokenProblem = checkIntrospection(introspection, now);
  if (tokenProblem) return tokenProblem;
  const { login, scope, identity } = introspection!;
  exchange.tokenLabel = `FranceConnect ${login}`;
  if (!hasPivotIdentityScope(scope)) {
    return { status: 401, errors: [apiErrors.missingIdentityScope(scope)], outcome: "missing_identity_scope" };
  }
  if (!hasAnyQfScope(scope)) {
    return { status: 403, errors: [apiErrors.insufficientPrivileges()], outcome: "insufficient_privileges" };
  }
  exchange.scopes = scope;

  const query = readRawQuery(originalUrl);
  const recipientProblem = recipientError(query);
  if (recipientProblem) return { status: 422, errors: [recipientProblem], outcome: "invalid_params" };
  const resolved = resolvePeriod(scalar(query, "annee"), scalar(query, "mois"), new Date(now));
  if ("error" in resolved) return { status: 422, errors: [resolved.error], outcome: "invalid_params" };

  const params = paramsFromFranceConnect(identity);
  const answer = answerFor(deps, login, params, resolved.period, now);
  if ("errors" in answer) return { status: 422, errors: answer.errors, outcome: "invalid_params" };
  exchange.identityKey = identityKey(params);
  return { answer };
}

function checkIntrospection(introspection: FranceConnectTokenIntrospection | null, now: number): Prepared | null {
  if (!introspection) return { status: 401, errors: [apiErrors.invalidToken()], outcome: "token_unknown" };
  const expired = introspection.exp * 1000 <= now;
  if (expired) return { status: 401, errors: [apiErrors.expiredToken()], outcome: "token_expired" };
  if (!introspection.active) return { status: 401, errors: [apiErrors.invalidToken()], outcome: "token_unknown" };
  return null;
}

function answerFor(
  deps: QfDeps,
  login: string,
  params: ReturnType<typeof paramsFromFranceConnect>,
  period: QfPeriod,
  now: number,
): QfAnswer | { errors: ApiParticulierError[] } {
  const mapped = fixtureForLogin(login);
  if (mapped) {
    const staging = mapped.fixture ? deps.fixtures.byId(mapped.fixture) : undefined;
    return staging ? fixtureAnswer(staging) : notFoundAnswer();
  }
  const staging = deps.fixtures.matchIdentity("with-france-connect", params);
  if (staging) return fixtureAnswer(staging);
  // An identity FranceConnect vouches for can still be refused by the provider's checks (siade validates it too).
  const validated = validateCivility(params, [], new Date(now));
  if ("errors" in validated) return validated;
  return isSyntheticName(validated.civility.nomNaissance)
    ? syntheticAnswer(validated.civility, period)
    : notFoundAnswer();
}
