/** The part of a Map or WeakMap that `remembered` uses. */
interface PromiseCache<K, V> {
  get(key: K): Promise<V> | undefined
  set(key: K, value: Promise<V>): unknown
  delete(key: K): unknown
}

/**
 * `make()`'s promise for `key`, made once: later calls get the same promise, also while it is
 * still pending (so concurrent callers share the work). A rejection is forgotten, so the next
 * call tries again.
 */
export function remembered<K, V>(
  cache: PromiseCache<K, V>,
  key: K,
  make: () => Promise<V>,
): Promise<V> {
  let promise = cache.get(key)
  if (!promise) {
    promise = make()
    cache.set(key, promise)
    promise.catch(() => cache.delete(key))
  }
  return promise
}
