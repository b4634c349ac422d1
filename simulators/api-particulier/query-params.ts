/**
 * Reads the raw query string instead of `req.query`: the host app's query parser
 * setting (qs "extended" or "simple") must not change how `prenoms[]` or a repeated
 * parameter is understood, and a repeated scalar must be seen to be rejected.
 */
export type RawQuery = Map<string, string[]>;

export function readRawQuery(originalUrl: string): RawQuery {
  const index = originalUrl.indexOf("?");
  const search = new URLSearchParams(index >= 0 ? originalUrl.slice(index + 1) : "");
  const query: RawQuery = new Map();
  for (const [key, value] of search) {
    const values = query.get(key);
    if (values) values.push(value);
    else query.set(key, [value]);
  }
  return query;
}

/** The single value of a scalar parameter; empty values count as absent, like Rails' `presence`. */
export function scalar(query: RawQuery, name: string): string | undefined {
  const values = query.get(name);
  if (!values) return undefined;
  const last = values[values.length - 1]?.trim();
  return last ? last : undefined;
}

export function isRepeated(query: RawQuery, name: string): boolean {
  return (query.get(name)?.length ?? 0) > 1;
}
