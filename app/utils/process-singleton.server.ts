/**
 * One value per process, kept on globalThis under a registered symbol. The Remix build bundles its
 * own copy of the app/ modules, while server.ts and the worker import them directly: a value held
 * in a module variable would exist twice in a web process, and what a route records (an external
 * call's duration, a log context) would be invisible to what server.ts serves or reads.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`portail-qf.${name}`);
  const slots = globalThis as Record<symbol, unknown>;
  if (!(key in slots)) slots[key] = create();
  return slots[key] as T;
}
