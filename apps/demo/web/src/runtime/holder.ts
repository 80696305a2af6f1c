/**
 * Holds the page's runtime. A `web` and a `mobile` session differ in their idle timeout, so
 * signing in with the other client type replaces the runtime (the old session has ended by
 * then). The client type is remembered in localStorage, which also tells the other tabs.
 */
import { createStore } from '../store.js';
import type { ClientType } from './config.js';
import { createRuntime, type DemoRuntime, type Platform } from './runtime.js';

const CLIENT_TYPE_KEY = 'tokenkeeper-demo.clientType';

export interface Credentials {
  readonly username: string;
  readonly password: string;
  readonly clientType: ClientType;
}

export interface RuntimeHolder {
  readonly platform: Platform;
  current(): DemoRuntime;
  subscribe(listener: () => void): () => void;
  /** `POST /auth/login`, then starts the session with the tokens. */
  signIn(credentials: Credentials): Promise<void>;
}

interface LoginError {
  error?: string;
  error_description?: string;
}

const storedClientType = (): ClientType =>
  localStorage.getItem(CLIENT_TYPE_KEY) === 'mobile' ? 'mobile' : 'web';

export function createRuntimeHolder(platform: Platform): RuntimeHolder {
  const runtime = createStore(createRuntime(platform, storedClientType()));

  const use = (clientType: ClientType): DemoRuntime => {
    const current = runtime.get();
    if (current.clientType === clientType) return current;
    current.dispose();
    const next = createRuntime(platform, clientType);
    runtime.set(next);
    return next;
  };

  // Another tab signed in with the other client type: follow it (the session restores from
  // the shared storage).
  window.addEventListener('storage', (event) => {
    if (event.key === CLIENT_TYPE_KEY) use(storedClientType());
  });

  return {
    platform,
    current: runtime.get,
    subscribe: runtime.subscribe,
    async signIn({ username, password, clientType }) {
      const response = await platform.network.fetch('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password, client_type: clientType }),
      });
      const body = (await response.json()) as Record<string, unknown> & LoginError;
      if (!response.ok) {
        throw new Error(body.error_description ?? body.error ?? `HTTP ${response.status}`);
      }
      const target = use(clientType);
      await target.session.ready();
      target.stolen.capture(
        typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
      );
      await target.session.signIn(body as { access_token: string });
      // After the tokens are stored: a tab that follows this change finds them there.
      localStorage.setItem(CLIENT_TYPE_KEY, clientType);
    },
  };
}
