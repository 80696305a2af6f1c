/**
 * A page running one tokenkeeper session, driven by the browser tests through `window.tk`.
 * Query parameters: `db` (IndexedDB name), `channel` (cross-tab name), `hold` (this tab's
 * refresh hangs once it holds the lock, so the test can close the tab mid-refresh),
 * `lifecycle` (attach browserLifecycle).
 */
import {
  browserLifecycle,
  type Clock,
  createSession,
  crossTabCoordinator,
  oauth2Refresh,
  type SessionEvent,
  webStorage,
} from 'tokenkeeper';

const params = new URL(location.href).searchParams;
let offset = 0;
const clock: Clock = {
  now: () => Date.now() + offset,
  setTimeout: (callback, ms) => window.setTimeout(callback, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
};
const state = { holding: false, refreshCalls: 0 };
const refresh = oauth2Refresh({ tokenEndpoint: '/oauth/token' });
const events: SessionEvent['type'][] = [];

const session = createSession({
  clock,
  storage: webStorage({ databaseName: params.get('db') ?? 'tokenkeeper' }),
  coordinator: params.get('channel')
    ? crossTabCoordinator({ name: params.get('channel')!, clock })
    : undefined,
  lifecycle: params.has('lifecycle') ? browserLifecycle() : undefined,
  refresh: async (context) => {
    state.refreshCalls++;
    if (params.has('hold')) {
      state.holding = true;
      await new Promise(() => {}); // the tab will be closed while it holds the lock
    }
    return refresh(context);
  },
});
session.subscribe((event) => events.push(event.type));

async function request(): Promise<{ status: number | string; fingerprint?: string }> {
  try {
    const token = await session.getAccessToken();
    const response = await fetch('/api/me', { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, fingerprint: session.getSnapshot().fingerprint };
  } catch (error) {
    return { status: (error as { code?: string }).code ?? String(error) };
  }
}

Object.assign(window, {
  tk: {
    session,
    state,
    events,
    skip: (ms: number) => {
      offset += ms;
    },
    async login(username: string, password: string) {
      const response = await fetch('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      await session.signIn(await response.json());
    },
    request,
    snapshot: () => session.getSnapshot(),
  },
  ready: session.ready().then(() => true),
});
