import type { Sql } from "postgres";

/**
 * drizzle runs every query built with its query builder through postgres.js with `prepare: false`
 * (only `.prepare("name")` queries are prepared). postgres.js then sends a query that has
 * parameters in two round trips: Parse and Describe first, to learn the parameters' types, then
 * Bind and Execute once PostgreSQL has answered; and PostgreSQL parses its text every time. Almost
 * every query of a page has parameters, so a page waited for twice the round trips it needed.
 *
 * This wrapper asks postgres.js to prepare every query drizzle sends (`prepare: true`; postgres.js's
 * `unsafe`, which drizzle calls, does not prepare by default either): each connection parses a
 * query text once, remembers its types, and then sends Bind and Execute in one round trip. A query
 * without parameters still goes as a simple query. Statements are cached per connection, which postgres.js
 * replaces after 30 to 60 minutes (`max_lifetime`), so the cache of query shapes stays bounded.
 * Transactions and savepoints hand drizzle a new client: it is wrapped too.
 */
export function preparingStatements<T extends Sql>(sql: T): T {
  return new Proxy(sql, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key === "unsafe") {
        // `unsafe` defaults to `prepare: false` too (drizzle's raw `execute` passes no option).
        return (query: string, parameters?: unknown[], options?: Record<string, unknown>) =>
          target.unsafe(query, parameters as never, { ...options, prepare: true });
      }
      if (key === "begin" || key === "savepoint") {
        // begin([options,] callback), savepoint([name,] callback): the callback's client is wrapped.
        return (...args: unknown[]) => {
          const callback = args.pop() as (client: Sql) => unknown;
          return (value as (...a: unknown[]) => unknown).apply(target, [
            ...args,
            (client: Sql) => callback(preparingStatements(client)),
          ]);
        };
      }
      return value;
    },
  });
}
