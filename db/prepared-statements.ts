import type { Sql } from "postgres";

/**
 * drizzle runs every query built with its query builder through postgres.js with `prepare: false`
 * (only `.prepare("name")` queries are prepared). postgres.js then sends a query that has
 * parameters in two round trips: Parse and Describe first, to learn the parameters' types, then
 * Bind and Execute once PostgreSQL has answered; and PostgreSQL parses its text every time. Almost
 * every query of a page has parameters, so a page waited for twice the round trips it needed.
 *
 * This wrapper asks postgres.js to prepare the queries drizzle sends (`prepare: true`; postgres.js's
 * `unsafe`, which drizzle calls, does not prepare by default either): each connection parses a
 * query text once, remembers its types, and then sends Bind and Execute in one round trip. A query
 * without parameters still goes as a simple query. Transactions and savepoints hand drizzle a new
 * client: it is wrapped too.
 *
 * A connection keeps every statement it prepared until it closes (postgres.js has no eviction, and
 * replaces a connection after 30 to 60 minutes). Most query texts are a fixed shape, but some carry
 * a commune's own constants (a tariff's prices, inlined by price-sql.server.ts): prepared, each
 * commune's would stay in every connection that served it. So only the first `maxStatements`
 * distinct texts with parameters this pool sees are prepared (the app's fixed shapes, a few
 * hundred, fit with room to spare); later new texts go unnamed, in two round trips, as before. No
 * connection of the pool then holds more than `maxStatements` statements.
 */
export function preparingStatements<T extends Sql>(sql: T, maxStatements = DEFAULT_MAX_STATEMENTS): T {
  const admitted = new Set<string>();
  const shouldPrepare = (query: string, parameters: unknown[] | undefined) => {
    // Without parameters postgres.js sends a simple query, never prepared: no room taken.
    if (!parameters?.length) return false;
    if (admitted.has(query)) return true;
    if (admitted.size >= maxStatements) return false;
    admitted.add(query);
    return true;
  };
  const wrap = <C extends Sql>(client: C): C =>
    new Proxy(client, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (key === "unsafe") {
          // `unsafe` defaults to `prepare: false` too (drizzle's raw `execute` passes no option).
          return (query: string, parameters?: unknown[], options?: Record<string, unknown>) =>
            target.unsafe(query, parameters as never, { ...options, prepare: shouldPrepare(query, parameters) });
        }
        if (key === "begin" || key === "savepoint") {
          // begin([options,] callback), savepoint([name,] callback): the callback's client is wrapped.
          return (...args: unknown[]) => {
            const callback = args.pop() as (client: Sql) => unknown;
            return (value as (...a: unknown[]) => unknown).apply(target, [
              ...args,
              (inner: Sql) => callback(wrap(inner)),
            ]);
          };
        }
        return value;
      },
    });
  return wrap(sql);
}

/**
 * The app's fixed-shape query texts, with room to spare: the web process of a browser test that goes
 * through the inbox's filters and the tariffs (pages, jobs and migrations) prepared about 300.
 */
export const DEFAULT_MAX_STATEMENTS = 1_000;
