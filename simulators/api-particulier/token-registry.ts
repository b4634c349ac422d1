import { z } from "zod";

/** An API Particulier token (a JWT in production; an opaque string here) and what it may do. */
export const apiParticulierTokenSchema = z.object({
  token: z.string().min(1),
  label: z.string().default(""),
  scopes: z.array(z.string()).default([]),
  /** SIRET of the habilitation's holder, for information. */
  siret: z.string().optional(),
  /** Epoch milliseconds; absent = never expires. */
  expiresAt: z.number().int().optional(),
  blacklisted: z.boolean().default(false),
  /** Overrides the module-wide per-second limit for this token. */
  rateLimitPerSecond: z.number().int().positive().optional(),
});
export type ApiParticulierTokenInput = z.input<typeof apiParticulierTokenSchema>;
export type ApiParticulierToken = z.output<typeof apiParticulierTokenSchema> & { demo: boolean };

export type TokenCheck =
  | { status: "valid"; token: ApiParticulierToken }
  | { status: "unknown" | "expired" | "blacklisted"; token?: ApiParticulierToken };

export class TokenRegistry {
  private tokens = new Map<string, ApiParticulierToken>();

  constructor(private readonly demoTokens: ApiParticulierTokenInput[]) {
    this.reset();
  }

  /** Back to the demo tokens only. */
  reset(): void {
    this.tokens = new Map(
      this.demoTokens.map((input) => {
        const token = { ...apiParticulierTokenSchema.parse(input), demo: true };
        return [token.token, token];
      }),
    );
  }

  add(input: ApiParticulierTokenInput): ApiParticulierToken {
    const token = { ...apiParticulierTokenSchema.parse(input), demo: false };
    this.tokens.set(token.token, token);
    return token;
  }

  get(value: string): ApiParticulierToken | undefined {
    return this.tokens.get(value);
  }

  list(): ApiParticulierToken[] {
    return [...this.tokens.values()];
  }

  /** Tokens added at runtime (tests), the part of the registry worth persisting. */
  custom(): ApiParticulierToken[] {
    return this.list().filter((t) => !t.demo);
  }

  check(value: string | undefined, now: number): TokenCheck {
    const token = value ? this.tokens.get(value) : undefined;
    if (!token) return { status: "unknown" };
    if (token.blacklisted) return { status: "blacklisted", token };
    if (token.expiresAt !== undefined && token.expiresAt <= now) return { status: "expired", token };
    return { status: "valid", token };
  }
}
