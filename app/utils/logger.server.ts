import pino from "pino";
import { currentLogContext } from "./log-context.server";

/**
 * Errors are logged as type, code, message and stack only. Driver errors carry more in their
 * own properties (PostgreSQL's `detail` quotes the row's values, e.g. "Key (email)=(…)",
 * `parameters` the query's bound values), which is personal data, so those never reach a log.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
    message: error.message,
    stack: error.stack,
    ...(error.cause instanceof Error ? { cause: serializeError(error.cause) } : {}),
  };
}

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/**
 * Structured JSON logs. Personal data never goes to logs: callers log ids and
 * counts only, and these paths are redacted as a second line of defence. Each line
 * carries the request id or the job of the run it belongs to (log-context.server.ts),
 * so an operator can follow one request through every line it wrote.
 */
export function createLogger(destination?: pino.DestinationStream) {
  const options: pino.LoggerOptions = {
    level: initialLevel(process.env.LOG_LEVEL),
    base: { service: "portail-qf", pid: process.pid },
    mixin: () => ({ ...currentLogContext() }),
    serializers: { err: serializeError },
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers.cookie",
        "headers.authorization",
        "headers.cookie",
        "*.password",
        "*.secret",
        "*.token",
        "*.access_token",
        "*.id_token",
        "*.family_name",
        "*.given_name",
        "*.birthdate",
        "*.email",
      ],
      censor: "[masqué]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export const logger = createLogger();

/**
 * The logger exists before the configuration is validated (modules import it), so an unknown
 * LOG_LEVEL must not throw here: it falls back to "info" and the configuration check then stops
 * the boot with its one-line message naming the variable.
 */
export function initialLevel(value: string | undefined): string {
  return value && LEVELS.has(value) ? value : "info";
}
