import type { LifecycleSource } from './types.js';

/** The shape of React Native's `AppState` that the source uses. */
export interface AppStateLike {
  readonly currentState?: string | null;
  addEventListener(type: 'change', listener: (state: string) => void): { remove(): void };
}

/** The shape of `@react-native-community/netinfo` that the source uses. */
export interface NetInfoLike {
  addEventListener(listener: (state: NetInfoStateLike) => void): () => void;
  fetch?(): Promise<NetInfoStateLike>;
}

export interface NetInfoStateLike {
  readonly isConnected: boolean | null;
  readonly isInternetReachable?: boolean | null;
}

/**
 * React Native app state: `background` pauses (no timers, so the phone stays asleep), `active`
 * resumes (the session re-reads the clock and catches up). `inactive`, the iOS moment of the app
 * switcher, Control Center or an incoming call, changes nothing: it is usually over in seconds,
 * and treating it as a resume would make sliding sessions refresh on every notification pull.
 * Duck-typed: pass `AppState` from 'react-native'; the client does not depend on it.
 * @example
 * import { AppState } from 'react-native';
 * import NetInfo from '@react-native-community/netinfo';
 * const session = createSession({
 *   refresh,
 *   storage: secureStoreAdapter(SecureStore),
 *   lifecycle: [appStateLifecycle(AppState), netInfoLifecycle(NetInfo)],
 * });
 */
export function appStateLifecycle(appState: AppStateLike): LifecycleSource {
  return (controls) => {
    const apply = (state: string | null | undefined) => {
      if (state === 'background') controls.pause();
      else if (state === 'active') controls.resume();
    };
    apply(appState.currentState);
    const subscription = appState.addEventListener('change', apply);
    return () => subscription.remove();
  };
}

/** Reachable unless NetInfo says otherwise (`null` means not known yet). */
function isOnline(state: NetInfoStateLike): boolean {
  return state.isConnected !== false && state.isInternetReachable !== false;
}

/**
 * Connectivity from `@react-native-community/netinfo` (duck-typed): no refresh is attempted
 * while offline, and one runs on reconnection if it is due.
 */
export function netInfoLifecycle(netInfo: NetInfoLike): LifecycleSource {
  return (controls) => {
    let active = true;
    const unsubscribe = netInfo.addEventListener((state) => controls.setOnline(isOnline(state)));
    void netInfo.fetch?.().then(
      (state) => active && controls.setOnline(isOnline(state)),
      () => undefined, // no initial reading: the listener's first event will tell
    );
    return () => {
      active = false;
      unsubscribe();
    };
  };
}
