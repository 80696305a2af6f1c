/**
 * The token server's clock in the storm: real time (so reuse-grace windows and request
 * timestamps pass as they would in production) plus an offset that `skip` moves forward, which
 * expires every token issued so far, at once and identically for every contender.
 */
export interface OffsetClock {
  now(): number;
  /** Moves the clock `ms` into the future. */
  skip(ms: number): void;
}

export function createOffsetClock(): OffsetClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    skip(ms) {
      offset += ms;
    },
  };
}
