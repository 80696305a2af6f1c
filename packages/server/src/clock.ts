/**
 * Time as an input. Every lifetime, grace window and idle deadline in the server reads the
 * clock it was given, so tests can run days of virtual time in milliseconds.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** A clock that moves only when told to; for tests and simulations. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds (never backwards). */
  advance(ms: number): void;
  /** Sets the clock to an absolute time in milliseconds since the epoch. */
  set(ms: number): void;
}

/**
 * Creates a {@link ManualClock}.
 * @param start milliseconds since the epoch. @default 2030-01-01T00:00:00Z
 */
export function createManualClock(start = Date.UTC(2030, 0, 1)): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance() needs a finite ms >= 0');
      current += ms;
    },
    set(ms) {
      if (!Number.isFinite(ms)) throw new RangeError('set() needs a finite ms');
      current = ms;
    },
  };
}
