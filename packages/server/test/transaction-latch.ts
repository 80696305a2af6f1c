// Orders transactions against each other without sleeping: a wrapped store's transactions wait
// at their start (before BEGIN, after the caller read its clock) until the test lets them go.
import type { Store } from '../src/index.js';

export interface Hold {
  /** Resolves once all `count` held transactions are waiting. */
  readonly arrived: Promise<void>;
  /** Lets them begin. */
  release(): void;
}

export interface TransactionLatch {
  /** A store whose transactions pass through this latch (shared by every wrapped store). */
  wrap(store: Store): Store;
  /** Holds the next `count` transactions of any wrapped store until `release()`. */
  hold(count: number): Hold;
  /**
   * Holds the next `count` transactions until all of them have arrived, then lets them go
   * together: every one of them has begun (read its clock) before any of them runs a statement.
   */
  gate(count: number): void;
}

export function createTransactionLatch(): TransactionLatch {
  let active:
    | { remaining: number; reached: () => void; released: Promise<void>; waiting: number }
    | undefined;
  const take = (): Promise<void> | undefined => {
    if (!active || active.remaining === 0) return undefined;
    active.remaining--;
    if (active.remaining === 0) active.reached();
    return active.released;
  };
  const hold = (count: number): Hold => {
    if (active && active.remaining > 0) throw new Error('a hold is still filling');
    let reached = () => {};
    let release = () => {};
    const arrived = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    active = { remaining: count, reached, released, waiting: 0 };
    return { arrived, release };
  };
  return {
    wrap: (store) => ({
      ...store,
      async transaction(fn) {
        const wait = take();
        if (wait) await wait;
        return store.transaction(fn);
      },
    }),
    hold,
    gate(count) {
      const held = hold(count);
      void held.arrived.then(held.release);
    },
  };
}
