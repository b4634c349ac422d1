import { z } from "zod";
import { rateLimitSettingsSchema } from "./rate-limiter.ts";
import { apiParticulierTokenSchema } from "./token-registry.ts";

const countsSchema = z.record(z.string(), z.number());

/** What snapshot() saves so a demo survives a restart: settings, added tokens, bans, counters. */
export const simulatorStateSchema = z.object({
  version: z.literal(1),
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
        tooManyRequests: z.number(),
        byStatus: countsSchema,
        lastSeenAt: z.string().nullable(),
      }),
    ),
    identities: z.record(z.string(), z.object({ calls: z.number(), byStatus: countsSchema })),
  }),
});
export type SimulatorState = z.output<typeof simulatorStateSchema>;
