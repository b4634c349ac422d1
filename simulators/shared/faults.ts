import type { Request, RequestHandler, Response } from "express";
import { z } from "zod";

/**
 * Fault injection shared by the simulators: added latency, a ratio of error
 * responses, and requests that never get an answer (client-side timeouts), each
 * for a limited duration. Tests and benchmarks set them through the admin API.
 */
export const faultRuleSchema = z.object({
  /** Regular expression matched against the request path below the module's prefix; absent = every route. */
  route: z.string().optional(),
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

  middleware(): RequestHandler {
    return (req, res, next) => {
      const rule = this.match(req);
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

  private match(req: Request): FaultRule | undefined {
    this.prune();
    return this.rules.find((r) => !r.route || new RegExp(r.route).test(req.path));
  }
}
