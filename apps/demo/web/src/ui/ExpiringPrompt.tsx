import { useState } from 'react';
import type { SessionSnapshot } from 'tokenkeeper';
import { useSessionEvents } from 'tokenkeeper/react';
import { formatDuration } from '../format.js';
import type { DemoRuntime } from '../runtime/runtime.js';
import { useNow } from './hooks.js';

/**
 * Seed 002's visible countdown: shown on the session's `expiring` event, for the deadline that
 * event announced. Any activity (an API call) or a refresh moves the deadline, which hides it;
 * "stay signed in" extends the session with a refresh.
 */
export function ExpiringPrompt({
  runtime,
  snapshot,
}: {
  runtime: DemoRuntime;
  snapshot: SessionSnapshot;
}) {
  const [deadline, setDeadline] = useState<number | undefined>();
  const [extending, setExtending] = useState(false);
  const now = useNow(runtime.platform.clock);
  useSessionEvents(runtime.session, (event) => {
    if (event.type === 'expiring') setDeadline(event.deadline);
  });
  const shown =
    deadline !== undefined &&
    snapshot.status === 'active' &&
    snapshot.idleDeadline === deadline &&
    now < deadline;
  if (!shown) return null;
  const stay = () => {
    setExtending(true);
    runtime.session
      .extend()
      .catch(() => undefined) // a failure shows in the timeline; the prompt stays up
      .finally(() => setExtending(false));
  };
  return (
    <div
      className="expiring"
      role="alertdialog"
      aria-live="assertive"
      data-testid="expiring-prompt"
    >
      <span>
        Session expiring in <strong>{formatDuration(deadline - now)}</strong> — no activity for a
        while.
      </span>
      <button type="button" className="primary" onClick={stay} disabled={extending}>
        Stay signed in
      </button>
    </div>
  );
}
