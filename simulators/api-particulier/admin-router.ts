import { randomUUID } from "node:crypto";
import express, { type Response, type Router } from "express";
import { z } from "zod";
import { faultRuleSchema } from "../shared/faults.ts";
import { FC_NOT_FOUND_LOGIN, FC_QF_4270_LOGIN, FC_USER_FIXTURES } from "./fc-user-fixtures.ts";
import type { QfDeps } from "./qf-deps.ts";
import { rateLimitSettingsSchema } from "./rate-limiter.ts";
import { SYNTHETIC_PREFIX } from "./synthetic-population.ts";
import { apiParticulierTokenSchema } from "./token-registry.ts";

export interface AdminActions {
  stats(): unknown;
  reset(): void;
}

const requestsQuerySchema = z.object({
  limit: z.coerce.number().int().positive().optional(),
  token: z.string().optional(),
});
const arrivalsQuerySchema = z.object({ token: z.string().min(1) });
// Strict: a knob that no longer exists (banGraceMs) must fail loudly, not be dropped silently.
const rateLimitUpdateSchema = rateLimitSettingsSchema.partial().strict();

/**
 * Admin API, mounted by the server at /__admin/apiParticulier: what tests and
 * benchmarks read (stats, request log) and the knobs they turn (rate limit, faults,
 * tokens, bans, reset).
 */
export function createAdminRouter(deps: QfDeps, actions: AdminActions): Router {
  const router = express.Router();
  router.use(express.json());

  router.get("/stats", (_req, res) => res.json(actions.stats()));
  router.get("/requests", (req, res) => {
    const query = requestsQuerySchema.safeParse(req.query);
    if (!query.success) return badRequest(res, query.error);
    res.json({ requests: deps.stats.requests(query.data) });
  });
  router.get("/arrivals", (req, res) => {
    const query = arrivalsQuerySchema.safeParse(req.query);
    if (!query.success) return badRequest(res, query.error);
    res.json({ arrivals: deps.stats.arrivals(query.data.token) });
  });

  router.get("/rate-limit", (_req, res) => res.json(deps.limiter.settings));
  router.post("/rate-limit", (req, res) => {
    const update = rateLimitUpdateSchema.safeParse(req.body ?? {});
    if (!update.success) return badRequest(res, update.error);
    deps.limiter.settings = { ...deps.limiter.settings, ...update.data };
    res.json(deps.limiter.settings);
  });
  router.delete("/bans", (_req, res) => {
    deps.limiter.liftBans();
    res.status(204).end();
  });

  router.get("/faults", (_req, res) => res.json({ faults: deps.faults.list() }));
  router.post("/faults", (req, res) => {
    const rule = faultRuleSchema.safeParse(req.body ?? {});
    if (!rule.success) return badRequest(res, rule.error);
    res.status(201).json(deps.faults.add(rule.data));
  });
  router.delete("/faults", (_req, res) => {
    deps.faults.clear();
    res.status(204).end();
  });

  router.get("/tokens", (_req, res) => res.json({ tokens: deps.tokens.list() }));
  router.post("/tokens", (req, res) => {
    const input = apiParticulierTokenSchema
      .extend({
        token: z
          .string()
          .min(1)
          .default(() => `test-api-particulier-${randomUUID()}`),
      })
      .safeParse(req.body ?? {});
    if (!input.success) return badRequest(res, input.error);
    res.status(201).json(deps.tokens.add(input.data));
  });

  router.get("/fc-users", (_req, res) =>
    res.json({
      qf4270Login: FC_QF_4270_LOGIN,
      notFoundLogin: FC_NOT_FOUND_LOGIN,
      syntheticPrefix: SYNTHETIC_PREFIX,
      users: FC_USER_FIXTURES,
    }),
  );

  router.post("/reset", (_req, res) => {
    actions.reset();
    res.status(204).end();
  });
  return router;
}

function badRequest(res: Response, error: z.ZodError): void {
  res.status(400).json({ error: "invalid_request", issues: error.issues });
}
