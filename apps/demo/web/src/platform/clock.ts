/**
 * The device clock of the demo: `Date.now()` plus an offset the page can move forward, as if the
 * device had slept. The offset is kept in localStorage so every tab of the browser reads the
 * same device clock, as tabs on one real device do.
 */
import { type Clock, systemClock } from 'tokenkeeper';
import { createStore } from '../store.js';

const OFFSET_KEY = 'tokenkeeper-demo.clockOffset';

export interface DemoClock extends Clock {
  /** How far the device clock is ahead of real time, in ms. */
  offset(): number;
  /** Moves the device clock forward by `ms` (in every tab). */
  advance(ms: number): void;
  /** Real time, to compare with the server's audit rows (the server's clock did not move). */
  realNow(): number;
  subscribe(listener: () => void): () => void;
}

export function createDemoClock(storage: Storage, target: Window): DemoClock {
  const read = (): number => {
    const value = Number(storage.getItem(OFFSET_KEY) ?? 0);
    return Number.isFinite(value) && value > 0 ? value : 0;
  };
  const offset = createStore(read());
  target.addEventListener('storage', (event) => {
    if (event.key === OFFSET_KEY) offset.set(read());
  });
  return {
    now: () => systemClock.now() + offset.get(),
    setTimeout: systemClock.setTimeout,
    clearTimeout: systemClock.clearTimeout,
    offset: offset.get,
    advance(ms) {
      const next = offset.get() + ms;
      storage.setItem(OFFSET_KEY, String(next));
      offset.set(next);
    },
    realNow: () => systemClock.now(),
    subscribe: offset.subscribe,
  };
}
