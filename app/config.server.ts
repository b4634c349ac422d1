import { installDecryptionKeys, keyFromBase64 } from "~/utils/encryption.server";
import { availableParallelism } from "node:os";
import { z } from "zod";

/**
 * The validated environment, read once at boot. In demo mode (the default
 * outside NODE_ENV=production) every external system defaults to the local
 * simulators and demo secrets; in production every variable is required.
 */

const DEMO_SIMULATORS = "http://localhost:4000";
/** Exported for the benchmarks, which run the built server in production mode against the simulators. */
export const DEMO_DEFAULTS = {
  APP_URL: "http://localhost:3000",
  SESSION_SECRET: "demo-session-secret-not-for-production-use",
  // 32 zero-ish bytes would be weak even for a demo: a fixed random demo key instead.
  ENCRYPTION_KEY: "q0ZFm7h3P9t4b0r3ZcJ0m1bY9b8hQ8m8Xk6m7d1Qm0Q=",
  FRANCECONNECT_ISSUER: `${DEMO_SIMULATORS}/franceconnect/api/v2`,
  FRANCECONNECT_CLIENT_ID: "portail-qf-demo",
  FRANCECONNECT_CLIENT_SECRET: "portail-qf-demo-franceconnect-secret",
  PROCONNECT_ISSUER: `${DEMO_SIMULATORS}/proconnect/api/v2`,
  PROCONNECT_CLIENT_ID: "portail-qf-demo-agents",
  PROCONNECT_CLIENT_SECRET: "portail-qf-demo-proconnect-secret",
  API_PARTICULIER_URL: `${DEMO_SIMULATORS}/api-particulier`,
  HUBEE_API_URL: `${DEMO_SIMULATORS}/hubee`,
  HUBEE_TOKEN_URL: `${DEMO_SIMULATORS}/hubee-auth/oauth2/token`,
  HUBEE_OSL_CLIENT_ID: "portail-qf-osl",
  HUBEE_OSL_CLIENT_SECRET: "portail-qf-osl-demo-secret",
  DATAPASS_WEBHOOK_SECRET: "demo-datapass-webhook-secret-not-for-production",
  // The simulators' SMTP server (mailbox at http://localhost:4000/mails).
  SMTP_URL: "smtp://localhost:1025",
  MAIL_FROM: "Portail QF <ne-pas-repondre@portail-qf.localhost>",
} as const;

type ExternalVariable = keyof typeof DEMO_DEFAULTS;
export const EXTERNAL_VARIABLES = Object.keys(DEMO_DEFAULTS) as ExternalVariable[];

const httpUrl = z.url({ protocol: /^https?$/, error: "doit être une URL http(s) valide" });
const secret = z.string().min(32, { error: "doit contenir au moins 32 caractères" });
const encryptionKey = z
  .string()
  .refine((value) => Buffer.from(value, "base64").length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(value), {
    error: "doit être une clé de 32 octets encodée en base64 (openssl rand -base64 32)",
  });
/**
 * ENCRYPTION_KEYS: `id:base64,id:base64` (or bare base64 keys); the first encrypts, all decrypt.
 * The ids are names for operators; tokens carry the key's fingerprint (encryption.server.ts).
 */
const encryptionKeys = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ""),
  )
  .pipe(
    z
      .array(
        z.string().transform((entry, ctx) => {
          const separator = entry.lastIndexOf(":");
          const id = separator > 0 ? entry.slice(0, separator) : `clé ${entry.slice(0, 4)}…`;
          const base64 = separator > 0 ? entry.slice(separator + 1) : entry;
          if (!encryptionKey.safeParse(base64).success) {
            ctx.addIssue({
              code: "custom",
              message: `: la clé « ${separator > 0 ? id : "sans nom"} » doit être une clé de 32 octets encodée en base64 (openssl rand -base64 32)`,
            });
            return z.NEVER;
          }
          return { id, base64 };
        }),
      )
      .min(1, { error: "doit contenir au moins une clé" }),
  );
/** SESSION_SECRET: one secret, or several separated by commas during a rotation (the first signs, all verify). */
const sessionSecrets = z
  .string()
  .transform((value) => value.split(",").map((entry) => entry.trim()))
  .pipe(z.array(secret.refine((entry) => !/\s/.test(entry), { error: "ne doit pas contenir d’espace" })).min(1));
const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\/[^/]+/.test(value) && URL.canParse(value) && new URL(value).hostname !== "", {
    error: "doit être une URL PostgreSQL complète (postgres://utilisateur:motdepasse@hôte:5432/base)",
  });

const smtpUrl = z
  .string()
  .refine((value) => /^smtps?:\/\//.test(value) && URL.canParse(value) && new URL(value).hostname !== "", {
    error: "doit être une URL smtp:// ou smtps:// (smtp://utilisateur:motdepasse@hôte:587)",
  });
/** "Nom <adresse>" or a bare address: nodemailer takes both. */
const mailFrom = z
  .string()
  .refine((value) => /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/.test(value.trim()), {
    error: "doit être une adresse électronique, éventuellement précédée d’un nom (Portail QF <ne-pas-repondre@…>)",
  });

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  APP_URL: httpUrl,
  DATABASE_URL: postgresUrl.optional(),
  PGLITE_DIR: z.string().min(1).default("./.data/pglite"),
  /**
   * "off" behind a connection pooler in transaction mode that does not keep named prepared
   * statements (PgBouncer before 1.21, or without max_prepared_statements): each query is then sent
   * unnamed, in two round trips (db/prepared-statements.ts).
   */
  DATABASE_PREPARED_STATEMENTS: z.enum(["on", "off"], { error: "doit valoir on ou off" }).default("on"),
  SESSION_SECRET: sessionSecrets,
  ENCRYPTION_KEY: encryptionKey.optional(),
  ENCRYPTION_KEYS: encryptionKeys.optional(),
  FRANCECONNECT_ISSUER: httpUrl,
  FRANCECONNECT_CLIENT_ID: z.string().min(1),
  FRANCECONNECT_CLIENT_SECRET: z.string().min(1),
  PROCONNECT_ISSUER: httpUrl,
  PROCONNECT_CLIENT_ID: z.string().min(1),
  PROCONNECT_CLIENT_SECRET: z.string().min(1),
  API_PARTICULIER_URL: httpUrl,
  HUBEE_API_URL: httpUrl,
  HUBEE_TOKEN_URL: httpUrl,
  HUBEE_OSL_CLIENT_ID: z.string().min(1),
  HUBEE_OSL_CLIENT_SECRET: z.string().min(1),
  /** Shared with DataPass: signs its onboarding webhook deliveries (X-Hub-Signature-256). */
  DATAPASS_WEBHOOK_SECRET: secret,
  /** Requests per second API Particulier allows each token (20 in production; raised in benchmarks). */
  // At least 2: the campaigns' slots (a fraction of it) must leave room for lookups (token-pacer.server.ts).
  API_PARTICULIER_RATE_LIMIT: z.coerce.number().min(2, { error: "doit être un nombre au moins égal à 2" }).default(20),
  /** Share of that limit the yearly campaigns use, so citizens' own requests keep room. */
  API_PARTICULIER_CAMPAIGN_RATE_FRACTION: z.coerce
    .number()
    .gt(0, { error: "doit être compris entre 0 et 1" })
    .lt(1, { error: "doit être compris entre 0 et 1" })
    .default(0.9),
  /**
   * Campaign items one worker process holds at once, all communes together (ADR 028): each commune's
   * token is paced on its own, this bounds the worker's own load (database connections, sockets).
   */
  CAMPAIGN_WORKER_CONCURRENCY: z.coerce
    .number()
    .int({ error: "doit être un nombre entier positif" })
    .min(1, { error: "doit être un nombre entier positif" })
    .default(64),
  /**
   * Communes' HubEE inboxes one worker process reads at once (ADR 032). Each read mostly waits on
   * HubEE, so this bounds sockets and database connections rather than CPU.
   */
  HUBEE_INBOX_CONCURRENCY: z.coerce
    .number()
    .int({ error: "doit être un nombre entier positif" })
    .min(1, { error: "doit être un nombre entier positif" })
    .default(16),
  /** Exports of more rows than this are built by the worker (status page) instead of streamed at once. */
  EXPORT_BACKGROUND_THRESHOLD: z.coerce
    .number()
    .int({ error: "doit être un nombre entier positif" })
    .min(0, { error: "doit être un nombre entier positif" })
    .default(5000),
  /** 1: FranceConnect comes back to the national form's /callback and /logout-callback (franceconnect.server.ts). */
  FRANCECONNECT_LEGACY_CALLBACKS: z
    .enum(["0", "1"], { error: "doit valoir 0 ou 1" })
    .default("0")
    .transform((value) => value === "1"),
  /** « Je donne mon avis » on the citizen's confirmation page (e.g. a Services Publics+ form); unset: no link. */
  FEEDBACK_URL: z.url({ protocol: /^https$/, error: "doit être une URL https valide" }).optional(),
  /** Bearer key of POST /api/collectivites (API Particulier's back office); unset: the endpoint refuses every call. */
  API_COLLECTIVITES_KEY: secret.optional(),
  /** Port of the Prometheus /metrics endpoint; unset: no metrics endpoint (`npm start` sets 9464). */
  METRICS_PORT: z.coerce
    .number({ error: "doit être un numéro de port" })
    .int({ error: "doit être un numéro de port" })
    .min(1, { error: "doit être un numéro de port" })
    .max(65535, { error: "doit être un numéro de port" })
    .optional(),
  /** Outgoing mail (ADR 024): the relay, the sender, STARTTLS and DKIM. */
  SMTP_URL: smtpUrl,
  MAIL_FROM: mailFrom,
  /** "off": no STARTTLS required (a relay on the same private network); production requires it otherwise. */
  SMTP_TLS: z.enum(["on", "off"], { error: "doit valoir on ou off" }).default("on"),
  DKIM_DOMAIN: z.string().min(1).optional(),
  DKIM_SELECTOR: z.string().min(1).optional(),
  /** PEM private key (\n escapes allowed, for one-line environments). */
  DKIM_PRIVATE_KEY: z
    .string()
    .transform((value) => value.replace(/\\n/g, "\n"))
    .refine((value) => value.includes("PRIVATE KEY-----"), { error: "doit être une clé privée PEM" })
    .optional(),
  /** Mails sent per minute across every worker (the relay's quota). */
  MAIL_RATE_PER_MINUTE: z.coerce
    .number({ error: "doit être un nombre entier positif" })
    .int({ error: "doit être un nombre entier positif" })
    .min(1, { error: "doit être un nombre entier positif" })
    .default(120),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * "on": every response says in a Server-Timing header how long it took us and how much of it went
   * to waiting on external systems (load tests, developer tools). Off by default: it would tell any
   * client how long our calls to FranceConnect, API Particulier and HubEE took.
   */
  SERVER_TIMING: z.enum(["on", "off"], { error: "doit valoir on ou off" }).default("off"),
  /**
   * Web processes serving PORT on this machine (node:cluster): Node runs a page on one core, so one
   * process per core is what lets a machine's capacity grow with its cores. Default: one per core in
   * production (PostgreSQL), one in demo. PGlite opens its folder in a single process only.
   */
  WEB_PROCESSES: z.coerce
    .number({ error: "doit être un nombre entier entre 1 et 64" })
    .int({ error: "doit être un nombre entier entre 1 et 64" })
    .min(1, { error: "doit être un nombre entier entre 1 et 64" })
    .max(64, { error: "doit être un nombre entier entre 1 et 64" })
    .optional(),
  /** 0: the web and worker processes do not migrate at boot, a release step runs `npm run db:migrate`. */
  MIGRATE_ON_BOOT: z
    .enum(["0", "1"], { error: "doit valoir 1 (migrer au démarrage, par défaut) ou 0" })
    .default("1")
    .transform((value) => value === "1"),
});

export type Config = Omit<
  z.infer<typeof schema>,
  "SESSION_SECRET" | "ENCRYPTION_KEY" | "ENCRYPTION_KEYS" | "WEB_PROCESSES"
> & {
  demoMode: boolean;
  /** WEB_PROCESSES, or its default: one per core in production, one in demo. */
  WEB_PROCESSES: number;
  /** The current session secret: signs cookies (`sessionSecrets` verifies them). */
  SESSION_SECRET: string;
  /** Every session secret, current first: what cookies' `secrets` option takes. */
  sessionSecrets: string[];
  /** The current encryption key (base64): the first of ENCRYPTION_KEYS, or ENCRYPTION_KEY. */
  ENCRYPTION_KEY: string;
  /** The keyring, current key first: every key decrypts. */
  encryptionKeyring: { id: string; base64: string }[];
};

export class ConfigError extends Error {}

/** Parses an environment; throws ConfigError with one line naming the variable(s). */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const demoMode = env.NODE_ENV !== "production";
  const input: Record<string, string | undefined> = { ...env };
  // Empty strings count as unset, as in most .env tooling.
  for (const key of Object.keys(input)) if (input[key] === "") input[key] = undefined;

  if (demoMode) {
    for (const key of EXTERNAL_VARIABLES) {
      // A keyring given in demo mode replaces the demo key rather than disagreeing with it.
      if (key === "ENCRYPTION_KEY" && input.ENCRYPTION_KEYS) continue;
      input[key] ??= DEMO_DEFAULTS[key];
    }
  } else {
    const missing = [
      ...EXTERNAL_VARIABLES,
      "SESSION_SECRET",
      input.ENCRYPTION_KEYS ? "ENCRYPTION_KEYS" : "ENCRYPTION_KEY",
      "DATAPASS_WEBHOOK_SECRET",
      "APP_URL",
      "DATABASE_URL",
    ]
      .filter((key) => !(key === "ENCRYPTION_KEY" && input.ENCRYPTION_KEYS))
      .filter((key, i, all) => all.indexOf(key) === i && !input[key]);
    if (missing.length > 0) {
      throw new ConfigError(`Configuration incomplète en production, variables manquantes : ${missing.join(", ")}`);
    }
  }

  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? "?");
    const message = issue?.code === "invalid_type" && input[name] === undefined ? "est obligatoire" : issue?.message;
    throw new ConfigError(`Configuration invalide : ${name} ${message}`);
  }
  const { SESSION_SECRET: secrets, ENCRYPTION_KEY: key, ENCRYPTION_KEYS: keys, WEB_PROCESSES, ...rest } = result.data;
  if (WEB_PROCESSES !== undefined && WEB_PROCESSES > 1 && !rest.DATABASE_URL) {
    throw new ConfigError(
      `Configuration invalide : WEB_PROCESSES=${WEB_PROCESSES} demande PostgreSQL (DATABASE_URL) ; la base embarquée PGlite ne s’ouvre que dans un seul processus`,
    );
  }
  const webProcesses = WEB_PROCESSES ?? (demoMode || !rest.DATABASE_URL ? 1 : availableParallelism());
  if (keys && key && key !== keys[0]!.base64) {
    // Two sources of truth for the encrypting key would let two instances write with different keys.
    throw new ConfigError(
      "Configuration invalide : ENCRYPTION_KEY et ENCRYPTION_KEYS sont toutes deux définies et la première clé diffère ; gardez ENCRYPTION_KEYS seule",
    );
  }
  const dkim = [rest.DKIM_DOMAIN, rest.DKIM_SELECTOR, rest.DKIM_PRIVATE_KEY].filter(Boolean).length;
  if (dkim !== 0 && dkim !== 3) {
    throw new ConfigError(
      "Configuration invalide : DKIM_DOMAIN, DKIM_SELECTOR et DKIM_PRIVATE_KEY vont ensemble (toutes trois ou aucune)",
    );
  }
  const keyring = keys ?? (key ? [{ id: "ENCRYPTION_KEY", base64: key }] : []);
  if (keyring.length === 0) throw new ConfigError("Configuration invalide : ENCRYPTION_KEY est obligatoire");
  return {
    ...rest,
    demoMode,
    WEB_PROCESSES: webProcesses,
    SESSION_SECRET: secrets[0]!,
    sessionSecrets: secrets,
    ENCRYPTION_KEY: keyring[0]!.base64,
    encryptionKeyring: keyring,
  };
}

let cached: Config | undefined;

/** The process configuration, parsed on first use (at boot in server.ts and the worker). */
export function getConfig(): Config {
  if (!cached) {
    cached = parseConfig(process.env);
    // Callers encrypt with the current key; older keys of the ring must still decrypt.
    installDecryptionKeys(cached.encryptionKeyring.map((entry) => keyFromBase64(entry.base64)));
  }
  return cached;
}
