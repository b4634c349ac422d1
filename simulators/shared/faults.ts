import type { Request, RequestHandler, Response } from "express";
import { z } from "zod";

/**
 * Fault injection shared by the simulators: network jitter before a request arrives,
 * added latency, a ratio of error responses, and requests that never get an answer
 * (client-side timeouts), each for a limited duration. Tests and benchmarks set them
 * through the admin API.
 */
export const faultRuleSchema = z.object({
  /** Regular expression matched against the request path below the module's prefix; absent = every route. */
  route: z.string().optional(),
  /**
   * Network delay between client and server: each request waits a uniformly random 0..jitterMs ms
   * before the server sees it arrive, so requests sent evenly can reach it bunched. Applied by
   * jitterMiddleware(), which a module mounts before it counts arrivals (API Particulier does);
   * ignored where it is not mounted.
   */
  jitterMs: z.number().int().min(0).max(5000).default(0),
  latencyMs: z.number().int().min(0).max(120_000).default(0),
  /** Share of requests answered with one of `errorStatuses` (0..1). */
  errorRatio: z.number().min(0).max(1).default(0),
  errorStatuses: z.array(z.number().int().min(400).max(599)).default([502]),
  /** Share of requests that never get an answer (0..1). */
  timeoutRatio: z.number().min(0).max(1).default(0),
  /** How long the rule stays in force; absent = until cleared. */
  durationMs: z.number().int().positive().optional(),
});
export type FaultRuleInput = z.input<typeof faultRuleSchema>;
type FaultRule = z.output<typeof faultRuleSchema> & { id: number; until: number | null };

export class FaultInjector {
  private rules: FaultRule[] = [];
  private nextId = 1;
  private hanging = new Set<Response>();

  constructor(
    /** Writes the system's own error envelope for an injected status. */
    private readonly respondWithError: (res: Response, status: number) => void,
    private readonly random: () => number = Math.random,
  ) {}

  add(input: FaultRuleInput): FaultRule {
    const parsed = faultRuleSchema.parse(input);
    const rule: FaultRule = {
      ...parsed,
      id: this.nextId++,
      until: parsed.durationMs ? Date.now() + parsed.durationMs : null,
    };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    this.prune();
    return [...this.rules];
  }

  clear(): void {
    this.rules = [];
    // Requests held open by a timeout fault are dropped so servers can close.
    for (const res of this.hanging) res.socket?.destroy();
    this.hanging.clear();
  }

  /**
   * Delays the request by the jitter of the first matching rule that has one, before
   * anything downstream sees it: mount it first so arrival times are taken after the delay.
   */
  jitterMiddleware(): RequestHandler {
    return (req, _res, next) => {
      const rule = this.match(req, (r) => r.jitterMs > 0);
      if (!rule) return next();
      // Integer draw, both ends included; min() guards a random() that returns 1.
      const delay = Math.min(rule.jitterMs, Math.floor(this.random() * (rule.jitterMs + 1)));
      if (delay === 0) return next();
      setTimeout(next, delay);
    };
  }

  /** Latency, errors and timeouts of the first matching rule; a jitter-only rule does not stand in their way. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const rule = this.match(req, (r) => !isJitterOnly(r));
      if (!rule) return next();
      const act = () => {
        if (rule.timeoutRatio > 0 && this.random() < rule.timeoutRatio) {
          this.hanging.add(res);
          res.on("close", () => this.hanging.delete(res));
          return; // never answer
        }
        if (rule.errorRatio > 0 && this.random() < rule.errorRatio) {
          const statuses = rule.errorStatuses;
          const status = statuses[Math.floor(this.random() * statuses.length)] ?? 502;
          return this.respondWithError(res, status);
        }
        next();
      };
      if (rule.latencyMs > 0) setTimeout(act, rule.latencyMs);
      else act();
    };
  }

  private prune() {
    const now = Date.now();
    this.rules = this.rules.filter((r) => r.until === null || r.until > now);
  }

  private match(req: Request, applies: (rule: FaultRule) => boolean): FaultRule | undefined {
    this.prune();
    return this.rules.find((r) => applies(r) && (!r.route || new RegExp(r.route).test(req.path)));
  }
}

function isJitterOnly(rule: FaultRule): boolean {
  return rule.jitterMs > 0 && rule.latencyMs === 0 && rule.errorRatio === 0 && rule.timeoutRatio === 0;
}
