import type { RequestHandler } from "express";
import type { Civility } from "./civility-validation.ts";
import { apiErrors, sendErrors } from "./errors.ts";
import type { StagingCase } from "./fixture-store.ts";
import type { QfSuccessBody } from "./qf-data.ts";
import { exchangeOf, type QfAnswer } from "./qf-exchange.ts";
import type { QfPeriod } from "./qf-period.ts";
import { filterDataByScopes } from "./scopes.ts";
import { syntheticFamily } from "./synthetic-population.ts";

/** API Particulier caches provider answers for 24 h; a fresh answer announces that lifetime. */
const CACHE_SECONDS = 86_400;

export function fixtureAnswer(staging: StagingCase): QfAnswer {
  return {
    status: staging.status,
    body: staging.body,
    outcome: `fixture:${staging.id}`,
    // Staging's 429 case is a 429 like any other: clients must find Retry-After on it.
    headers: staging.status === 429 ? { "Retry-After": "1" } : undefined,
  };
}

export function notFoundAnswer(): QfAnswer {
  return { status: 404, body: { errors: [apiErrors.notFound()] }, outcome: "not_found" };
}

export function syntheticAnswer(civility: Civility, period: QfPeriod): QfAnswer {
  return { status: 200, body: syntheticFamily(civility, period), outcome: "synthetic" };
}

/** Last middleware of a QF route: sends the prepared answer, minus what the token's scopes hide. */
export const deliverAnswer: RequestHandler = (_req, res) => {
  const exchange = exchangeOf(res);
  const answer = exchange.answer;
  if (!answer) {
    exchange.outcome = "internal_error";
    return sendErrors(res, 500, [apiErrors.internalError()]);
  }
  exchange.outcome = answer.outcome;
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  if (answer.status !== 200) return void res.status(answer.status).json(answer.body);
  const body = answer.body as QfSuccessBody;
  res.setHeader("X-Response-Cached", "false");
  res.setHeader("X-Cache-Expires-in", String(CACHE_SECONDS));
  res.status(200).json({ ...body, data: filterDataByScopes(body.data, exchange.scopes) });
};
