import type { CheckId } from '../checks/check-id.js';
import type { ProgressEvent } from '../run/progress.js';

/** Renders progress on stderr: one rewritten line at a terminal, a line per check elsewhere. */
export interface ProgressLine {
  onEvent(event: ProgressEvent): void;
  stop(): void;
}

/** The text of the live line, e.g. "7/15 checks · waiting: lost-response 9 s · 43 requests". Pure. */
export function progressText(
  state: { done: number; total: number; waits: ReadonlyMap<CheckId, number>; requests: number },
  now: number,
): string {
  const waiting = [...state.waits]
    .filter(([, until]) => until > now)
    .map(([id, until]) => `${id} ${Math.ceil((until - now) / 1000)} s`);
  const parts = [`${state.done}/${state.total} checks`];
  if (waiting.length > 0) parts.push(`waiting: ${waiting.join(', ')}`);
  parts.push(`${state.requests} requests`);
  return `tokenkeeper-check: ${parts.join(' · ')}`;
}

export function createProgressLine(options: {
  write: (text: string) => void;
  /** Rewrite one line (a terminal) or print a line per event. */
  tty: boolean;
  now: () => number;
  requests: () => number;
}): ProgressLine {
  const stream = { write: options.write };
  const state = { done: 0, total: 0, waits: new Map<CheckId, number>() };
  const { tty } = options;
  let timer: NodeJS.Timeout | undefined;
  const draw = () =>
    stream.write(
      `\r\u001b[K${progressText({ ...state, requests: options.requests() }, options.now())}`,
    );
  const clear = () => tty && stream.write('\r\u001b[K');
  return {
    onEvent(event) {
      if (event.type === 'start') {
        state.total = event.total;
        if (tty) {
          timer = setInterval(draw, 250);
          timer.unref();
        }
      } else if (event.type === 'wait') {
        state.waits.set(event.id, event.until);
        const seconds = Math.ceil((event.until - options.now()) / 1000);
        if (!tty && seconds >= 5)
          stream.write(`tokenkeeper-check: ${event.id} waits ${seconds} s\n`);
      } else if (event.type === 'done') {
        state.done = event.done;
        state.waits.delete(event.id);
        if (!tty)
          stream.write(`tokenkeeper-check: [${event.done}/${event.total}] ${event.id} done\n`);
      } else if (event.type === 'sign-out' && !tty && event.sessions > 0) {
        stream.write(`tokenkeeper-check: signing out ${event.sessions} session(s)\n`);
      }
      if (tty) draw();
    },
    stop() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}
