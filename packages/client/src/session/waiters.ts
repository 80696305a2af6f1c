/**
 * Callers waiting for an answer the session does not have yet: a token (`getAccessToken()`
 * while a refresh or the restore runs) or the next refresh (`refresh()`, `extend()`). They are
 * answered only by the reducer's `settle` effects, so there is one way a wait ends.
 */
import type { Outcome } from '../machine/state.js';

export type WaiterKind = 'token' | 'refresh';

export interface Waiters {
  /** Waits for the next `settle(kind, …)`. Register before dispatching the input that may answer. */
  wait(kind: WaiterKind): Promise<string>;
  settle(kind: WaiterKind, outcome: Outcome): void;
  /** Rejects every waiter (the session was disposed). */
  rejectAll(error: unknown): void;
}

interface Waiter {
  resolve(token: string): void;
  reject(error: unknown): void;
}

export function createWaiters(): Waiters {
  const pending: Record<WaiterKind, Set<Waiter>> = { token: new Set(), refresh: new Set() };
  return {
    wait(kind) {
      return new Promise((resolve, reject) => pending[kind].add({ resolve, reject }));
    },
    settle(kind, outcome) {
      const ready = [...pending[kind]];
      pending[kind].clear();
      for (const waiter of ready) {
        if ('token' in outcome) waiter.resolve(outcome.token);
        else waiter.reject(outcome.error);
      }
    },
    rejectAll(error) {
      for (const kind of ['token', 'refresh'] as const) {
        for (const waiter of pending[kind]) waiter.reject(error);
        pending[kind].clear();
      }
    },
  };
}
