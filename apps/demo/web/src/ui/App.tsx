import { useSyncExternalStore } from 'react';
import { useSession } from 'tokenkeeper/react';
import type { RuntimeHolder } from '../runtime/holder.js';
import { AuditPanel } from './AuditPanel.js';
import { ExpiringPrompt } from './ExpiringPrompt.js';
import { Header } from './Header.js';
import { LiveFeeds } from './LiveFeeds.js';
import { Scenarios } from './Scenarios.js';
import { SessionPanel } from './SessionPanel.js';
import { SignInPanel } from './SignInPanel.js';
import { TimelinePanel } from './TimelinePanel.js';

export function App({ holder }: { holder: RuntimeHolder }) {
  const runtime = useSyncExternalStore(holder.subscribe, holder.current);
  const snapshot = useSession(runtime.session);
  return (
    <div className="page">
      <Header runtime={runtime} snapshot={snapshot} />
      <ExpiringPrompt runtime={runtime} snapshot={snapshot} />
      <main className="columns">
        <div className="column">
          {snapshot.status === 'active' ? (
            <SessionPanel runtime={runtime} snapshot={snapshot} />
          ) : (
            <SignInPanel holder={holder} runtime={runtime} snapshot={snapshot} />
          )}
          <LiveFeeds runtime={runtime} />
          <Scenarios runtime={runtime} snapshot={snapshot} />
        </div>
        <div className="column">
          <TimelinePanel timeline={runtime.platform.timeline} />
          <AuditPanel timeline={runtime.platform.timeline} />
        </div>
      </main>
    </div>
  );
}
