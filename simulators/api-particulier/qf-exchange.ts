import type { Request, Response } from "express";
import { NO_TOKEN_KEY, type QfRoute } from "./traffic-stats.ts";

/** What the provider side (CNAF/MSA through API Particulier) answers, before scope filtering. */
export interface QfAnswer {
  status: number;
  body: unknown;
  outcome: string;
  headers?: Record<string, string>;
}

/**
 * The state of one QF request, shared by the middlewares of a route (in res.locals):
 * who calls, what is known about the identity, and the answer once prepared.
 */
export interface QfExchange {
  route: QfRoute;
  /** The bearer token, or NO_TOKEN_KEY. */
  token: string;
  hasToken: boolean;
  tokenLabel: string | null;
  scopes: string[];
  identityKey: string | null;
  outcome: string | null;
  answer: QfAnswer | null;
  startedAt: number;
}

export function startExchange(req: Request, res: Response, route: QfRoute, now: number): QfExchange {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  const exchange: QfExchange = {
    route,
    token: match?.[1] ?? NO_TOKEN_KEY,
    hasToken: !!match,
    tokenLabel: null,
    scopes: [],
    identityKey: null,
    outcome: null,
    answer: null,
    startedAt: now,
  };
  res.locals.qf = exchange;
  return exchange;
}

export function exchangeOf(res: Response): QfExchange {
  const exchange = res.locals.qf as QfExchange | undefined;
  if (!exchange) throw new Error("QF exchange missing: startExchange must run first");
  return exchange;
}
