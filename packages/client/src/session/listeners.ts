/**
 * The session's subscribers: event listeners (`subscribe`) and snapshot watchers (`watch`).
 * A listener's bug must not break the session, nor vanish.
 */
import type { SessionEvent } from '../events.js';
import { eventFields, type Log } from '../logger.js';

export interface Listeners {
  emit(event: SessionEvent): void;
  /** Tells every watcher that the snapshot may have changed. */
  changed(): void;
  subscribe(listener: (event: SessionEvent) => void): () => void;
  watch(watcher: () => void): () => void;
  clear(): void;
}

export function createListeners(log: Log): Listeners {
  const listeners = new Set<(event: SessionEvent) => void>();
  const watchers = new Set<() => void>();
  return {
    emit(event) {
      log(
        event.type === 'refreshFailed' ? 'warn' : 'debug',
        `session ${event.type}`,
        eventFields(event),
      );
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          // Reported asynchronously, where it is seen without breaking the session.
          log('error', 'session listener threw', { error });
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
    changed() {
      for (const watcher of [...watchers]) watcher();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    watch(watcher) {
      watchers.add(watcher);
      return () => watchers.delete(watcher);
    },
    clear() {
      listeners.clear();
      watchers.clear();
    },
  };
}
