import type { ExpiredReason } from '../errors.js';

/** What sessions sharing a coordinator tell each other. */
export type CoordinationMessage =
  /**
   * New tokens, as the stored record. `origin` matters to a tab whose session has ended: it
   * follows a new sign-in elsewhere, never a refresh of the session it saw end.
   */
  | { type: 'tokens'; record: string; origin: 'signIn' | 'refresh' }
  /** The user was active in another tab at `at`: a shared idle countdown restarts there. */
  | { type: 'activity'; at: number }
  | { type: 'signedOut' }
  | { type: 'expired'; reason: ExpiredReason; error: string | undefined };

/**
 * Lets several sessions of one app (tabs, windows, workers) act as one: a single refresh at a
 * time, and every change announced to the others. A session owns the coordinator passed to it
 * and closes it on `dispose()`.
 */
export interface Coordinator {
  /**
   * Runs `task` while no other session on this coordinator's channel runs one. Rejects as soon
   * as `signal` aborts, whether waiting or running (a task that ignores its signal then runs on
   * without the lock), or when the lock cannot be had within the coordinator's bound.
   */
  withRefreshLock<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T>;
  /** Sends to every other session on the channel (not to this one). */
  publish(message: CoordinationMessage): void;
  /** Receives what the other sessions publish; returns the unsubscribe. */
  subscribe(listener: (message: CoordinationMessage) => void): () => void;
  close(): void;
}
