import type { Clock, TimerHandle } from '../clock.js';

/** A {@link Clock} that only moves when told to. */
export interface VirtualClock extends Clock {
  /**
   * Moves time forward by `ms`, firing due timers in order and letting promise chains settle
   * after each, as a running app would experience it.
   */
  advance(ms: number): Promise<void>;
  /** Like `advance`, to an absolute time. */
  advanceTo(time: number): Promise<void>;
  /**
   * Moves time forward WITHOUT firing timers: a device that slept, whose timers never fired.
   * Overdue timers fire on the next `advance`.
   */
  jump(ms: number): void;
  /** Lets pending promise chains settle without moving time. */
  flush(): Promise<void>;
  /** Number of timers waiting to fire. */
  pendingTimers(): number;
  /** When the earliest pending timer fires, or undefined. */
  nextTimerAt(): number | undefined;
}

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

const settle = (): Promise<void> =>
  new Promise((resolve) => {
    const immediate = (globalThis as { setImmediate?: (cb: () => void) => void }).setImmediate;
    if (immediate) immediate(resolve);
    else globalThis.setTimeout(resolve, 0);
  });

/**
 * @param start initial time in ms since the epoch. @default 1_700_000_000_000 (Nov 2023)
 * @example
 * const clock = createVirtualClock();
 * const session = createSession({ clock, refresh });
 * await clock.advance(5 * 24 * 3600_000); // five days, in milliseconds of real time
 */
export function createVirtualClock(start = 1_700_000_000_000): VirtualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, Timer>();

  // A few event-loop turns: enough for promise chains, I/O already complete, and messages
  // between BroadcastChannels of one process (which take two turns in Node).
  async function flush(): Promise<void> {
    for (let turn = 0; turn < 4; turn++) await settle();
  }

  async function advanceTo(target: number): Promise<void> {
    if (!Number.isFinite(target)) throw new RangeError('advanceTo needs a finite time');
    for (;;) {
      // Whatever can run at the current instant runs before time moves on.
      await flush();
      let due: Timer | undefined;
      for (const timer of timers.values()) {
        if (
          timer.at <= target &&
          (!due || timer.at < due.at || (timer.at === due.at && timer.id < due.id))
        ) {
          due = timer;
        }
      }
      if (!due) break;
      timers.delete(due.id);
      now = Math.max(now, due.at);
      due.callback();
    }
    now = Math.max(now, target);
    await flush();
  }

  return {
    now: () => now,
    setTimeout(callback, delayMs) {
      const id = nextId++;
      timers.set(id, { id, at: now + Math.max(0, Number(delayMs) || 0), callback });
      return id as TimerHandle;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance: (ms) => advanceTo(now + ms),
    advanceTo,
    jump(ms) {
      now += ms;
    },
    flush,
    pendingTimers: () => timers.size,
    nextTimerAt() {
      let best: number | undefined;
      for (const timer of timers.values())
        if (best === undefined || timer.at < best) best = timer.at;
      return best;
    },
  };
}
