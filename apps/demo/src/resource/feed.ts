/**
 * The live feed every transport streams: a numbered tick, so a client can tell whether it missed
 * or repeated one across a reconnect.
 */
export interface Tick {
  readonly seq: number;
  readonly at: number;
}

export interface Feed {
  /** Publishes the next tick to every listener. */
  publish(at: number): Tick;
  listen(listener: (tick: Tick) => void): () => void;
  /** An async iterator of ticks, for GraphQL subscriptions; `return()` unsubscribes. */
  iterate(): AsyncIterableIterator<Tick>;
}

export function createFeed(): Feed {
  const listeners = new Set<(tick: Tick) => void>();
  let seq = 0;
  const feed: Feed = {
    publish(at) {
      const tick = { seq: ++seq, at };
      for (const listener of [...listeners]) listener(tick);
      return tick;
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    iterate() {
      const queue: Tick[] = [];
      let wake: (() => void) | undefined;
      let done = false;
      const stop = feed.listen((tick) => {
        queue.push(tick);
        wake?.();
      });
      const finish = async (): Promise<IteratorResult<Tick>> => {
        done = true;
        stop();
        wake?.();
        return { done: true, value: undefined };
      };
      return {
        async next() {
          while (!done && queue.length === 0)
            await new Promise<void>((resolve) => (wake = resolve));
          if (done) return { done: true, value: undefined };
          return { done: false, value: queue.shift()! };
        },
        return: finish,
        throw: finish,
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
  };
  return feed;
}
