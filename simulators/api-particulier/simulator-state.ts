import { z } from "zod";
import { rateLimitSettingsSchema } from "./rate-limiter.ts";
import { apiParticulierTokenSchema } from "./token-registry.ts";

const countsSchema = z.record(z.string(), z.number());

/** What snapshot() saves so a demo survives a restart: settings, added tokens, bans, counters. */
export const simulatorStateSchema = z.object({
  version: z.literal(1),
  // Snapshots from before issue 13 still carry `banGraceMs`: the object schema drops it, no grace comes back.
  settings: rateLimitSettingsSchema,
  customTokens: z.array(apiParticulierTokenSchema),
  bans: z.array(z.object({ token: z.string(), bannedUntil: z.number() })),
  traffic: z.object({
    totals: z.object({ calls: z.number(), maxPerSecond: z.number(), byStatus: countsSchema }),
    tokens: z.record(
      z.string(),
      z.object({
        kind: z.enum(["api_particulier", "franceconnect"]),
        label: z.string().nullable(),
        total: z.number(),
        maxPerSecond: z.number(),
        // Optional: snapshots saved before the Retry-After report lack them.
        densestWindow: z.object({ count: z.number(), startAt: z.string().nullable() }).optional(),
        tooManyRequests: z.number(),
        rateLimited: z.number().optional(),
        callsDuringRetryAfter: z.number().optional(),
        retryAfterViolations: z
          .array(z.object({ at: z.string(), msAfter429: z.number(), retryAfterEndsAt: z.string() }))
          .optional(),
        byStatus: countsSchema,
        lastSeenAt: z.string().nullable(),
      }),
    ),
    identities: z.record(z.string(), z.object({ calls: z.number(), byStatus: countsSchema })),
  }),
});
export type SimulatorState = z.output<typeof simulatorStateSchema>;
