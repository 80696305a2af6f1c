/**
 * `tokenkeeper/cross-tab`: one refresh across the tabs of an app. Web Locks where the platform
 * has them (a lock held by a tab that closes is released at once); elsewhere a lock negotiated
 * over BroadcastChannel, whose holder's lease bounds how long a dead tab can block the others.
 */
import { type Clock, systemClock } from '../clock.js';
import { ConfigError, RefreshFailedError } from '../errors.js';
import type { CoordinationMessage, Coordinator } from './types.js';

/** The part of the Web Locks API used here (`navigator.locks`). */
export interface LockManagerLike {
  request<T>(
    name: string,
    options: { signal?: AbortSignal },
    callback: () => Promise<T>,
  ): Promise<T>;
}

export interface CrossTabOptions {
  /** Channel and lock name: sessions with the same name coordinate. @default 'tokenkeeper' */
  name?: string;
  /**
   * Longest wait for another tab's refresh lock before this attempt fails (retryably), and the
   * lease a holder announces in the BroadcastChannel fallback. @default 30000
   */
  lockTimeout?: number;
  /** Ms a BroadcastChannel claim waits for a competing claim before it wins. @default 50 */
  claimWindow?: number;
  /** @default systemClock */
  clock?: Clock;
  /** @default navigator.locks when present; `false` forces the BroadcastChannel fallback */
  locks?: LockManagerLike | false;
  /** @default globalThis.BroadcastChannel */
  BroadcastChannel?: typeof BroadcastChannel;
}

type LockMessage =
  | { op: 'claim'; id: string; at: number }
  | { op: 'held'; id: string; until: number }
  | { op: 'release'; id: string };

type Envelope =
  | { kind: 'data'; message: CoordinationMessage }
  | { kind: 'lock'; lock: LockMessage };

function randomId(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('Aborted', 'AbortError');
}

/**
 * Settles with `work`, or rejects as soon as `signal` aborts. A refresh function that ignores
 * its signal may run on, but it no longer holds the lock or the queue behind it.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * @example
 * const session = createSession({
 *   refresh: oauth2Refresh({ tokenEndpoint: '/oauth/token' }),
 *   storage: webStorage(),
 *   coordinator: crossTabCoordinator({ name: 'my-app' }),
 * });
 */
export function crossTabCoordinator(options: CrossTabOptions = {}): Coordinator {
  const name = options.name ?? 'tokenkeeper';
  const clock = options.clock ?? systemClock;
  const lockTimeout = options.lockTimeout ?? 30_000;
  const claimWindow = options.claimWindow ?? 50;
  const Channel = options.BroadcastChannel ?? globalThis.BroadcastChannel;
  if (typeof Channel !== 'function')
    throw new ConfigError('crossTabCoordinator needs BroadcastChannel');
  const locks =
    options.locks === false
      ? undefined
      : (options.locks ??
        (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks);

  const id = randomId();
  const channel = new Channel(`tokenkeeper:${name}`);
  (channel as { unref?: () => void }).unref?.(); // Node: an open channel must not keep a script alive
  const listeners = new Set<(message: CoordinationMessage) => void>();
  const lockWatchers = new Set<(lock: LockMessage) => void>();
  let remoteHolder: { id: string; until: number } | undefined;
  /** Other tabs' claims not yet resolved into a hold or a release: id -> claim time. */
  const claims = new Map<string, number>();
  let holding = false;
  let localQueue: Promise<unknown> = Promise.resolve();

  const post = (envelope: Envelope) => channel.postMessage(envelope);

  channel.onmessage = (event: MessageEvent) => {
    const envelope = event.data as Envelope;
    if (envelope?.kind === 'data') {
      for (const listener of [...listeners]) listener(envelope.message);
      return;
    }
    if (envelope?.kind !== 'lock') return;
    const lock = envelope.lock;
    if (lock.op === 'claim') {
      claims.set(lock.id, lock.at);
      if (holding)
        post({ kind: 'lock', lock: { op: 'held', id, until: clock.now() + lockTimeout } });
    } else {
      claims.delete(lock.id);
      if (lock.op === 'held') remoteHolder = { id: lock.id, until: lock.until };
      else if (remoteHolder?.id === lock.id) remoteHolder = undefined;
    }
    for (const watcher of [...lockWatchers]) watcher(lock);
  };

  /** Waits `ms` on the clock, or until `wake` returns true for a lock message. */
  function wait(
    ms: number,
    signal: AbortSignal,
    wake: (lock: LockMessage) => boolean,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clock.clearTimeout(timer);
        lockWatchers.delete(watcher);
        signal.removeEventListener('abort', onAbort);
      };
      const timer = clock.setTimeout(() => {
        done();
        resolve();
      }, ms);
      const watcher = (lock: LockMessage) => {
        if (!wake(lock)) return;
        done();
        resolve();
      };
      const onAbort = () => {
        done();
        reject(abortError(signal));
      };
      lockWatchers.add(watcher);
      signal.addEventListener('abort', onAbort);
    });
  }

  /** The BroadcastChannel lock: claim, give way to an earlier claim or a live holder, hold. */
  async function acquireOverChannel(signal: AbortSignal): Promise<void> {
    const deadline = clock.now() + lockTimeout;
    for (;;) {
      if (signal.aborted) throw abortError(signal);
      if (clock.now() >= deadline) {
        throw new RefreshFailedError(
          'timeout',
          'Waited too long for another tab to finish refreshing',
        );
      }
      const holder = remoteHolder;
      if (holder && holder.until > clock.now()) {
        await wait(
          Math.min(holder.until, deadline) - clock.now(),
          signal,
          (l) => l.op === 'release',
        );
        if (remoteHolder === holder && holder.until <= clock.now()) remoteHolder = undefined; // lease over
        continue;
      }
      const at = clock.now();
      const beaten = () => {
        if (remoteHolder && remoteHolder.until > clock.now()) return true;
        for (const [other, claimedAt] of claims) {
          // A claim that never turned into a hold within two windows lost, or its tab died.
          if (claimedAt < at - 2 * claimWindow) claims.delete(other);
          else if (claimedAt < at || (claimedAt === at && other < id)) return true;
        }
        return false;
      };
      post({ kind: 'lock', lock: { op: 'claim', id, at } });
      await wait(claimWindow, signal, () => beaten());
      if (beaten()) {
        await wait(claimWindow, signal, (l) => l.op === 'held' || l.op === 'release');
        continue;
      }
      holding = true;
      post({ kind: 'lock', lock: { op: 'held', id, until: clock.now() + lockTimeout } });
      return;
    }
  }

  async function overChannel<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    await acquireOverChannel(signal);
    try {
      return await untilAborted(task(), signal);
    } finally {
      holding = false;
      post({ kind: 'lock', lock: { op: 'release', id } });
    }
  }

  async function withWebLock<T>(
    lockManager: LockManagerLike,
    task: () => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    const waiting = new AbortController();
    const onAbort = () => waiting.abort(abortError(signal));
    signal.addEventListener('abort', onAbort);
    const timer = clock.setTimeout(
      () =>
        waiting.abort(
          new RefreshFailedError('timeout', 'Waited too long for another tab to finish refreshing'),
        ),
      lockTimeout,
    );
    let acquired = false;
    try {
      return await lockManager.request(
        `tokenkeeper:${name}`,
        { signal: waiting.signal },
        async () => {
          acquired = true;
          clock.clearTimeout(timer);
          return untilAborted(task(), signal);
        },
      );
    } catch (error) {
      throw acquired ? error : (waiting.signal.reason ?? error);
    } finally {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  return {
    withRefreshLock(task, signal) {
      // Sessions on this very coordinator queue locally first, then compete with other tabs.
      const run = () => (locks ? withWebLock(locks, task, signal) : overChannel(task, signal));
      const turn = localQueue.then(run, run);
      localQueue = turn.catch(() => undefined); // the queue only orders; each caller gets its own outcome
      // A caller whose signal aborts stops waiting at once, queued or running.
      return untilAborted(turn, signal);
    },
    publish(message) {
      post({ kind: 'data', message });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      lockWatchers.clear();
      if (holding) post({ kind: 'lock', lock: { op: 'release', id } });
      channel.close();
    },
  };
}
