/**
 * Going offline and coming back. The visitor cannot unplug the browser, so the page's network is
 * switched off (see `platform/network.ts`) and the session is told (`setOnline(false)`). While
 * offline a request runs every two seconds: at first it fails as a network error; once the token
 * needs a refresh that cannot run, the session answers with a typed, retryable `OfflineError`,
 * and the session is kept. On coming back, the one refresh that was due runs, and data loads.
 */
import { isRetryableError, isTokenkeeperError } from 'tokenkeeper';
import { formatClock } from '../format.js';
import type { CallResult } from '../runtime/api.js';
import type { DemoRuntime } from '../runtime/runtime.js';
import { createStore, type Store } from '../store.js';
import { localRefreshes, plural, recordEvents, type ScenarioReport } from './report.js';

export interface Probe {
  readonly at: number;
  readonly kind: 'offline-error' | 'network-error' | 'ok' | 'other';
  readonly text: string;
}

export interface OfflineState {
  readonly offline: boolean;
  /** Newest first. */
  readonly probes: readonly Probe[];
  readonly report: ScenarioReport | undefined;
}

export interface OfflineController {
  readonly state: Store<OfflineState>;
  goOffline(): void;
  comeBack(): Promise<void>;
  dispose(): void;
}

const PROBE_EVERY = 2000;

function describe(result: CallResult): Pick<Probe, 'kind' | 'text'> {
  const { error } = result;
  if (result.ok) return { kind: 'ok', text: `${result.status} OK` };
  if (isTokenkeeperError(error, 'ERR_OFFLINE')) {
    return {
      kind: 'offline-error',
      text: `OfflineError (${error.code}, retryable: ${isRetryableError(error)}): the token needs a refresh that cannot run offline; the session is kept`,
    };
  }
  if (isTokenkeeperError(error)) return { kind: 'other', text: `${error.name} (${error.code})` };
  if (error instanceof TypeError) {
    return {
      kind: 'network-error',
      text: 'network error: the token is still good, the request could not leave',
    };
  }
  return { kind: 'other', text: `HTTP ${result.status ?? '?'}` };
}

export function createOfflineController(
  runtime: Pick<DemoRuntime, 'session' | 'api' | 'platform' | 'feeds'>,
): OfflineController {
  const { session, api, platform, feeds } = runtime;
  const state = createStore<OfflineState>({
    offline: !platform.network.online(),
    probes: [],
    report: undefined,
  });
  let timer: ReturnType<typeof setInterval> | undefined;

  async function probe(): Promise<void> {
    const result = await api.rest('/api/me');
    const at = platform.clock.now();
    const { kind, text } = describe(result);
    const line: Probe = { at, kind, text: `${formatClock(at)} GET /api/me → ${text}` };
    state.set((s) => ({ ...s, probes: [line, ...s.probes].slice(0, 6) }));
  }

  const stopProbing = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  return {
    state,
    goOffline() {
      platform.network.setOnline(false);
      session.setOnline(false);
      state.set({ offline: true, probes: [], report: undefined });
      void probe();
      timer = setInterval(() => void probe(), PROBE_EVERY);
    },
    async comeBack() {
      stopProbing();
      const recorder = recordEvents(session);
      try {
        platform.network.setOnline(true);
        session.setOnline(true);
        state.set((s) => ({ ...s, offline: false }));
        feeds.restart(); // reconnect now instead of waiting out the sockets' backoff
        const result = await api.rest('/api/me');
        const refreshes = localRefreshes(recorder.events);
        const sawOfflineError = state.get().probes.some((p) => p.kind === 'offline-error');
        const report: ScenarioReport = {
          tone: result.ok && refreshes.length <= 1 ? 'good' : 'bad',
          headline: `Back online: ${plural(refreshes.length, 'refresh')}, GET /api/me → ${result.ok ? `${result.status} OK` : 'failed'}`,
          lines: [
            sawOfflineError
              ? 'Offline, the token ran out: requests got a retryable OfflineError and the session stayed signed in (seed 001 logged users out on any refresh failure).'
              : 'The token was still valid while offline: requests failed only as network errors. Stay offline past the access-token countdown to see OfflineError.',
            refreshes.length === 0
              ? 'No refresh was due: the current token was still good.'
              : `The refresh that was due ran once (${refreshes.map((r) => r.reason).join(', ')}), then the request went out.`,
          ],
          facts: { refreshes: refreshes.length, offlineError: sawOfflineError ? 1 : 0 },
        };
        state.set((s) => ({ ...s, report }));
      } finally {
        recorder.stop();
      }
    },
    dispose: stopProbing,
  };
}
