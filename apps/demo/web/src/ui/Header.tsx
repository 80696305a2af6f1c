import type { SessionSnapshot } from 'tokenkeeper';
import { formatDuration } from '../format.js';
import type { DemoRuntime } from '../runtime/runtime.js';
import { useStore } from './hooks.js';

const STATUS: Record<SessionSnapshot['status'], string> = {
  loading: 'Loading',
  signedOut: 'Signed out',
  active: 'Signed in',
  expired: 'Session ended',
};

export function Header({ runtime, snapshot }: { runtime: DemoRuntime; snapshot: SessionSnapshot }) {
  const { clock } = runtime.platform;
  const offset = useStore({ get: clock.offset, subscribe: clock.subscribe });
  return (
    <header className="header">
      <div>
        <h1>tokenkeeper demo</h1>
        <p className="tagline">
          One session, live: it refreshes before tokens expire, recovers from 401s, survives the
          background and lost networks, and ends plainly when it must. Tokens appear only as
          fingerprints (<code>tk_…</code>), never themselves.
        </p>
      </div>
      <div className="chips">
        <span className={`chip status-${snapshot.status}`} data-testid="session-status">
          {STATUS[snapshot.status]}
        </span>
        <span className="chip">client: {runtime.clientType}</span>
        <span className={`chip ${snapshot.online ? '' : 'chip-warn'}`}>
          {snapshot.online ? 'online' : 'offline'}
        </span>
        {offset > 0 && (
          <span className="chip chip-warn" title="The device clock was moved forward">
            device clock +{formatDuration(offset)}
          </span>
        )}
      </div>
    </header>
  );
}
