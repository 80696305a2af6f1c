import { createRoot } from 'react-dom/client';
import { createSession, type SessionEvent } from 'tokenkeeper';
import { useSession, useSessionEvents } from 'tokenkeeper/react';
import { createTokenEndpoint, createVirtualClock } from 'tokenkeeper/testing';

const clock = createVirtualClock();
const server = createTokenEndpoint({ clock });
const session = createSession({ clock, refresh: server.refresh });

function Badge() {
  const snapshot = useSession(session);
  const seen: string[] = [];
  useSessionEvents(session, (event: SessionEvent) => {
    seen.push(event.type);
    (window as { lastEvent?: string }).lastEvent = event.type;
  });
  return (
    <p id="badge" data-status={snapshot.status} data-fingerprint={snapshot.fingerprint ?? ''}>
      {snapshot.status}
    </p>
  );
}

createRoot(
  document.getElementById('root') ?? document.body.appendChild(document.createElement('div')),
).render(<Badge />);
Object.assign(window, { demo: { session, server, clock } });
