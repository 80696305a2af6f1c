/**
 * The one timer of a session: it wakes the reducer at the next moment it must re-read the clock.
 * Timers are hints (a sleeping device fires them late or never); the reducer re-reads the time.
 */
import { type Clock, MAX_TIMER_DELAY } from '../clock.js';

export interface WakeTimer {
  /** Wakes at `at` (replacing any earlier request), or never when `at` is undefined. */
  set(at: number | undefined, now: number): void;
  clear(): void;
}

export function createWakeTimer(clock: Clock, wake: () => void): WakeTimer {
  let timer: { handle: unknown; at: number } | undefined;
  const clear = () => {
    if (timer) clock.clearTimeout(timer.handle);
    timer = undefined;
  };
  return {
    set(at, now) {
      if (timer?.at === at) return;
      clear();
      if (at === undefined) return;
      // Long waits hop in bounded steps: platform timers overflow past 24.8 days and fire at once.
      const handle = clock.setTimeout(
        () => {
          if (timer?.handle !== handle) return;
          timer = undefined;
          wake();
        },
        Math.min(at - now, MAX_TIMER_DELAY),
      );
      timer = { handle, at };
    },
    clear,
  };
}
