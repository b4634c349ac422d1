import pino from "pino";
import { currentLogContext } from "./log-context.server";
import { serializeError } from "./safe-error";

export { serializeError };

/**
 * Keys that name personal data or secrets, masked at the top level and one level down (pino's
 * paths match exact depths). Both spellings: the providers' snake_case claims, our camelCase.
 */
const SENSITIVE_KEYS = [
  "password",
  "secret",
  "clientSecret",
  "token",
  "access_token",
  "accessToken",
  "id_token",
  "idToken",
  "authorization",
  "cookie",
  "sub",
  "email",
  "family_name",
  "familyName",
  "given_name",
  "givenNames",
  "birthdate",
  "birthDate",
  "birthName",
  "usageName",
  "external_id",
];
const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  ...SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`]),
];

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
    redact: { paths: REDACTED_PATHS, censor: "[masqué]" },
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
