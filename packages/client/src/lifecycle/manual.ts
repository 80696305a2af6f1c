import type { LifecycleControls, LifecycleSource } from './types.js';

/** Signals an app drives itself (Node, Electron, tests); one controller can feed many sessions. */
export interface ManualLifecycle extends LifecycleControls {
  /** Pass as the session's `lifecycle` option. */
  readonly source: LifecycleSource;
}

/**
 * A lifecycle source driven by hand. Every session created with `source` follows the calls.
 * (A single session also has `pause()`, `resume()` and `setOnline()` itself.)
 * @example
 * const app = manualLifecycle();
 * const session = createSession({ refresh, lifecycle: app.source });
 * process.on('SIGTSTP', app.pause);
 */
export function manualLifecycle(): ManualLifecycle {
  const attached = new Set<LifecycleControls>();
  return {
    source: (controls) => {
      attached.add(controls);
      return () => attached.delete(controls);
    },
    pause: () => {
      for (const controls of attached) controls.pause();
    },
    resume: () => {
      for (const controls of attached) controls.resume();
    },
    setOnline: (online) => {
      for (const controls of attached) controls.setOnline(online);
    },
  };
}
