import type { LifecycleSource } from './types.js';

/** The parts of `document` the browser source listens to. */
export interface DocumentLike extends EventTarget {
  readonly visibilityState: string;
}

/** The parts of `navigator` the browser source reads. */
export interface NavigatorLike {
  readonly onLine?: boolean;
}

export interface BrowserLifecycleOptions {
  /** @default globalThis.document */
  document?: DocumentLike;
  /** Receives `pagehide`, `pageshow`, `online`, `offline`. @default globalThis.window */
  window?: EventTarget;
  /** @default globalThis.navigator */
  navigator?: NavigatorLike;
}

/**
 * Browser signals: `visibilitychange` (hidden pauses, visible resumes), `pagehide`/`pageshow`
 * (back-forward cache), `freeze`/`resume` (Page Lifecycle, where the browser has them) and
 * `online`/`offline`. A hidden tab runs no session timers; when it is shown again the session
 * re-reads the clock, refreshes a token past its refresh point once, or ends an idle session.
 * @example
 * const session = createSession({ refresh, lifecycle: browserLifecycle() });
 */
export function browserLifecycle(options: BrowserLifecycleOptions = {}): LifecycleSource {
  return (controls) => {
    const doc = options.document ?? (globalThis as { document?: DocumentLike }).document;
    const win = options.window ?? (globalThis as { window?: EventTarget }).window;
    const nav = options.navigator ?? (globalThis as { navigator?: NavigatorLike }).navigator;
    const cleanups: (() => void)[] = [];
    const on = (target: EventTarget | undefined, type: string, handler: (event: Event) => void) => {
      if (!target) return;
      target.addEventListener(type, handler);
      cleanups.push(() => target.removeEventListener(type, handler));
    };
    const visibility = () =>
      doc?.visibilityState === 'hidden' ? controls.pause() : controls.resume();
    on(doc, 'visibilitychange', visibility);
    on(doc, 'freeze', () => controls.pause());
    on(doc, 'resume', visibility);
    on(win, 'pagehide', () => controls.pause());
    on(win, 'pageshow', visibility);
    on(win, 'online', () => controls.setOnline(true));
    on(win, 'offline', () => controls.setOnline(false));
    if (doc?.visibilityState === 'hidden') controls.pause();
    if (nav?.onLine === false) controls.setOnline(false);
    return () => {
      for (const cleanup of cleanups) cleanup();
    };
  };
}
