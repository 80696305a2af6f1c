import type { SessionStorage } from '../../src/storage/types.js';

/**
 * Wraps a storage so a test can wait until every operation the session started has settled
 * (the session does not expose its own write queue), and see which operations ran.
 */
export function trackStorage(inner: SessionStorage) {
  const pending = new Set<Promise<unknown>>();
  const calls: string[] = [];
  function track<T>(name: string, promise: Promise<T>): Promise<T> {
    calls.push(name);
    pending.add(promise);
    const done = () => pending.delete(promise);
    promise.then(done, done);
    return promise;
  }
  const storage: SessionStorage = {
    get: (key) => track('get', inner.get(key)),
    set: (key, value) => track('set', inner.set(key, value)),
    delete: (key) => track('delete', inner.delete(key)),
  };
  /** Resolves once no operation is pending, including ones started while waiting. */
  async function idle(): Promise<void> {
    while (pending.size > 0) {
      await Promise.allSettled([...pending]);
      // Let the session react (e.g. start the delete that follows a failed read).
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  return { storage, calls, idle };
}
