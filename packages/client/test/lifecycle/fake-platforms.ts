import type {
  AppStateLike,
  NetInfoLike,
  NetInfoStateLike,
} from '../../src/lifecycle/react-native.js';

/** A scripted browser: document visibility, page show/hide, freeze/resume, connectivity. */
export class FakeBrowser {
  readonly document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  readonly window = new EventTarget();
  readonly navigator = { onLine: true };
  hide(): void {
    this.document.visibilityState = 'hidden';
    this.document.dispatchEvent(new Event('visibilitychange'));
  }
  show(): void {
    this.document.visibilityState = 'visible';
    this.document.dispatchEvent(new Event('visibilitychange'));
  }
  freeze(): void {
    this.document.dispatchEvent(new Event('freeze'));
  }
  unfreeze(): void {
    this.document.dispatchEvent(new Event('resume'));
  }
  pageHide(): void {
    this.window.dispatchEvent(new Event('pagehide'));
  }
  pageShow(): void {
    this.window.dispatchEvent(new Event('pageshow'));
  }
  setOnline(online: boolean): void {
    this.navigator.onLine = online;
    this.window.dispatchEvent(new Event(online ? 'online' : 'offline'));
  }
}

/** React Native's AppState and NetInfo, scripted. */
export class FakeReactNative {
  appStateListeners = new Set<(state: string) => void>();
  netListeners = new Set<(state: NetInfoStateLike) => void>();
  readonly AppState: AppStateLike = {
    currentState: 'active',
    addEventListener: (_type, listener) => {
      this.appStateListeners.add(listener);
      return { remove: () => this.appStateListeners.delete(listener) };
    },
  };
  readonly NetInfo: NetInfoLike = {
    addEventListener: (listener) => {
      this.netListeners.add(listener);
      return () => this.netListeners.delete(listener);
    },
    fetch: async () => ({ isConnected: true, isInternetReachable: true }),
  };
  setAppState(state: 'active' | 'background' | 'inactive'): void {
    (this.AppState as { currentState: string }).currentState = state;
    for (const listener of this.appStateListeners) listener(state);
  }
  setConnected(isConnected: boolean, isInternetReachable: boolean | null = isConnected): void {
    for (const listener of this.netListeners) listener({ isConnected, isInternetReachable });
  }
}
