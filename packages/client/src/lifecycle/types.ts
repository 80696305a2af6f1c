/** What a platform signal source may tell a session. */
export interface LifecycleControls {
  /** The app went to the background or the page was hidden: timers stop. */
  pause(): void;
  /** The app is in front again: the session re-reads the clock and catches up. */
  resume(): void;
  /** Connectivity changed: no refresh is attempted while offline. */
  setOnline(online: boolean): void;
}

/**
 * A platform signal source: wires platform events to the controls and returns a cleanup.
 * @example
 * const manual: LifecycleSource = (controls) => {
 *   process.on('SIGCONT', controls.resume);
 *   return () => process.off('SIGCONT', controls.resume);
 * };
 */
export type LifecycleSource = (controls: LifecycleControls) => (() => void) | undefined;
