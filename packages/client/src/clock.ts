/** An opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * Time as an input. The session never reads the wall clock or sets a timer except through
 * this interface, so tests can run days of virtual time in milliseconds (see
 * `createVirtualClock` in `tokenkeeper/testing`).
 *
 * Timers are hints: a sleeping device fires them late or never, so every decision the session
 * makes re-reads {@link Clock.now}.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, like `Date.now()`. */
  now(): number;
  /** Calls `callback` after roughly `delayMs` milliseconds. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; unknown or fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The longest delay handed to a platform timer. Browsers and Node overflow at 2^31-1 ms
 * (about 24.8 days) and then fire at once; long waits are split into hops instead.
 */
export const MAX_TIMER_DELAY = 6 * 60 * 60 * 1000;

/** The default clock: `Date.now()` and the global timers (looked up at call time). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => {
    const handle = globalThis.setTimeout(callback, Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY));
    // In Node, a pending refresh timer must not keep a finished script alive.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};
