/**
 * The promise kept in `cache` for `key`, or a new one from `compute`, kept there: callers asking side
 * by side share one computation instead of each starting it before the first has answered.
 * A rejection is not kept, so the next caller tries again.
 *
 * `compute` may return a lazy thenable (a drizzle query runs each time it is awaited):
 * `Promise.resolve` subscribes to it once, so it runs once however many callers await the result.
 */
export function sharedPromise<K, V>(cache: Map<K, Promise<V>>, key: K, compute: () => PromiseLike<V>): Promise<V> {
  const kept = cache.get(key);
  if (kept) return kept;
  const started = Promise.resolve(compute());
  cache.set(key, started);
  started.catch(() => {
    // Only our own entry: a later computation for the same key may already have replaced it.
    if (cache.get(key) === started) cache.delete(key);
  });
  return started;
}
