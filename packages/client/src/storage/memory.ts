import type { SessionStorage } from './types.js';

/**
 * Keeps the session in memory only: gone when the process or page goes. The default.
 * Pass the same instance to several sessions to let them share it (as tabs share IndexedDB).
 */
export function memoryStorage(): SessionStorage {
  const values = new Map<string, string>();
  return {
    get: async (key) => values.get(key),
    set: async (key, value) => {
      values.set(key, value);
    },
    delete: async (key) => {
      values.delete(key);
    },
  };
}
