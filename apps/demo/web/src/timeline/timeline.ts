/**
 * The lifecycle timeline: what happened to the session and its transports, newest first, with
 * token fingerprints only. Identical entries in quick succession (twenty 401s) fold into one
 * with a count.
 */
import { createStore } from '../store.js';

export type Tone = 'good' | 'info' | 'warn' | 'bad' | 'muted';

export interface TimelineEntry {
  readonly id: number;
  /** Device-clock time (ms). */
  readonly at: number;
  /** Machine-readable kind, e.g. `refreshed:remote`, `ws:reauthenticated`. */
  readonly kind: string;
  readonly tone: Tone;
  readonly title: string;
  readonly detail: string | undefined;
  /** How many identical entries this one stands for. */
  readonly count: number;
}

export type NewEntry = Omit<TimelineEntry, 'id' | 'at' | 'count' | 'detail'> & {
  readonly detail?: string;
};

export interface Timeline {
  add(entry: NewEntry): void;
  entries(): readonly TimelineEntry[];
  subscribe(listener: () => void): () => void;
}

const LIMIT = 250;
/** Entries of one kind and title within this many ms of the newest fold into it. */
const FOLD_WINDOW = 3000;

export function createTimeline(now: () => number): Timeline {
  const store = createStore<readonly TimelineEntry[]>([]);
  let nextId = 1;
  return {
    add(entry) {
      const at = now();
      store.set((list) => {
        const top = list[0];
        if (
          top &&
          top.kind === entry.kind &&
          top.title === entry.title &&
          Math.abs(at - top.at) < FOLD_WINDOW
        ) {
          const folded = { ...top, count: top.count + 1, detail: entry.detail ?? top.detail };
          return [folded, ...list.slice(1)];
        }
        const added: TimelineEntry = { ...entry, detail: entry.detail, id: nextId++, at, count: 1 };
        return [added, ...list].slice(0, LIMIT);
      });
    },
    entries: store.get,
    subscribe: store.subscribe,
  };
}
