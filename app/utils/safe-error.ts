/**
 * What of an error may be written to a log or to a row an operator reads. Database errors
 * quote personal data: drizzle's DrizzleQueryError message ends with the query's bound values
 * ("params: DUBOIS,1962-08-24,…"), PostgreSQL's `detail` quotes the row ("Key (email)=(…)")
 * and its message can quote the value it refused ('invalid input syntax for type uuid: "…"').
 * So for those: the SQLSTATE code and the names of the constraint, table and column, never a
 * value. Other errors keep their message: ours name ids and outcomes, never a person.
 */

const QUOTED = /"[^"]*"|'[^']*'/g;

/** postgres.js (`constraint_name`) and PGlite (`constraint`) name the same fields differently. */
interface DatabaseErrorFields {
  code?: unknown;
  severity?: unknown;
  routine?: unknown;
  constraint_name?: unknown;
  constraint?: unknown;
  table_name?: unknown;
  table?: unknown;
  column_name?: unknown;
  column?: unknown;
}

/**
 * drizzle's wrapper around every failed query: the SQL text (placeholders only) and its values.
 * Recognised by shape, as it keeps the name "Error" (PGlite's own errors also carry query and params).
 */
function isQueryError(error: Error): error is Error & { query: string } {
  return "query" in error && "params" in error && error.message.startsWith("Failed query:");
}

/** A PostgreSQL error, from either driver: a five-character SQLSTATE and the server's routine or severity. */
function isDatabaseError(error: Error): boolean {
  const { code, severity, routine } = error as DatabaseErrorFields;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && (severity !== undefined || routine !== undefined);
}

/** The message, without the values a database error would quote. */
export function safeErrorMessage(error: Error): string {
  if (isQueryError(error)) return `Failed query: ${String(error.query).slice(0, 300)}`;
  if (isDatabaseError(error)) return error.message.replace(QUOTED, "…");
  return error.message;
}

function databaseFields(error: Error): Record<string, string> {
  if (!isDatabaseError(error)) return {};
  const e = error as DatabaseErrorFields;
  const fields: Record<string, unknown> = {
    constraint: e.constraint_name ?? e.constraint,
    table: e.table_name ?? e.table,
    column: e.column_name ?? e.column,
  };
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

/**
 * The error as a log field: type, code, HTTP status, safe message, stack frames (the stack's
 * first line repeats the message, so it is rebuilt from the safe one) and the cause, likewise.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const { code, status } = error as { code?: unknown; status?: unknown };
  const message = safeErrorMessage(error);
  const type = isQueryError(error) ? "DrizzleQueryError" : error.name;
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  return {
    type,
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
    ...(typeof status === "number" ? { status } : {}),
    ...databaseFields(error),
    message,
    stack: [`${type}: ${message}`, ...frames].join("\n"),
    ...(error.cause instanceof Error && depth < 5 ? { cause: serializeError(error.cause, depth + 1) } : {}),
  };
}
