import { type FormEvent, useState } from 'react';
import type { SessionSnapshot } from 'tokenkeeper';
import { formatSpan } from '../format.js';
import type { ClientType } from '../runtime/config.js';
import type { RuntimeHolder } from '../runtime/holder.js';
import type { DemoRuntime } from '../runtime/runtime.js';
import { EndedNotice } from './EndedNotice.js';
import { useStore } from './hooks.js';

const DEMO_PASSWORD = 'tokenkeeper-demo';

export function SignInPanel({
  holder,
  runtime,
  snapshot,
}: {
  holder: RuntimeHolder;
  runtime: DemoRuntime;
  snapshot: SessionSnapshot;
}) {
  const { config } = runtime.platform;
  const ending = useStore(runtime.ending);
  const [username, setUsername] = useState(config.user);
  const [password, setPassword] = useState(DEMO_PASSWORD);
  const [clientType, setClientType] = useState<ClientType>(runtime.clientType);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  if (snapshot.status === 'loading') {
    return (
      <section className="card">
        <p>Reading the stored session…</p>
      </section>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    holder
      .signIn({ username, password, clientType })
      .catch((cause: unknown) => setError(cause instanceof Error ? cause.message : String(cause)))
      .finally(() => setBusy(false));
  };

  return (
    <section className="card">
      {snapshot.status === 'expired' && (
        <EndedNotice
          ending={ending}
          reason={snapshot.expiredReason}
          idle={config.lifetimes.web.idleTimeout}
        />
      )}
      <h2>Sign in</h2>
      <form className="signin" onSubmit={submit} data-testid="signin-form">
        <label>
          Username
          <input
            id="username"
            value={username}
            autoComplete="username"
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            id="password"
            type="password"
            value={password}
            autoComplete="current-password"
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <fieldset>
          <legend>Client type</legend>
          <label className="radio">
            <input
              type="radio"
              name="clientType"
              value="web"
              checked={clientType === 'web'}
              onChange={() => setClientType('web')}
            />
            <span>
              <strong>web</strong>: a sliding session that ends after{' '}
              {formatSpan(config.lifetimes.web.idleTimeout)} without activity (seed 002)
            </span>
          </label>
          <label className="radio">
            <input
              type="radio"
              name="clientType"
              value="mobile"
              checked={clientType === 'mobile'}
              onChange={() => setClientType('mobile')}
            />
            <span>
              <strong>mobile</strong>: stays signed in for{' '}
              {formatSpan(config.lifetimes.mobile.idleTimeout)}, however long the app sleeps (seeds
              000, 003)
            </span>
          </label>
        </fieldset>
        <p className="hint">
          Access tokens live {formatSpan(config.lifetimes.web.accessTtl)}, so you will see them
          refresh.
        </p>
        {error && <p className="error">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
