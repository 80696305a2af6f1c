import type { LifecycleControls, LifecycleSource } from './types.js';

/**
 * Signals an app drives itself (Node, Electron, tests); one controller can feed many sessions.
 * It is itself a lifecycle source: pass it, or its `source`, as the session's `lifecycle`.
 */
export interface ManualLifecycle extends LifecycleControls, LifecycleSource {
  /** The same source, by name: `createSession({ lifecycle: app.source })`. */
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
  const source: LifecycleSource = (controls) => {
    attached.add(controls);
    return () => attached.delete(controls);
  };
  return Object.assign(source, {
    source,
    pause: () => {
      for (const controls of attached) controls.pause();
    },
    resume: () => {
      for (const controls of attached) controls.resume();
    },
    setOnline: (online: boolean) => {
      for (const controls of attached) controls.setOnline(online);
    },
  });
}
