/**
 * `tokenkeeper/react`: the session's state as React state.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { SessionEvent } from './events.js';
import type { Session, SessionSnapshot } from './session/create-session.js';

/**
 * The session's snapshot (status, expiry, idle deadline, refreshing, online, fingerprint),
 * re-rendering whenever it changes. Built on `useSyncExternalStore`, so it is safe with
 * concurrent rendering; the snapshot object only changes identity when its content changes.
 * @example
 * function SessionBadge({ session }: { session: Session }) {
 *   const { status, expiresAt, refreshing } = useSession(session);
 *   if (status !== 'active') return <a href="/login">Sign in</a>;
 *   return <span>{refreshing ? 'refreshing…' : `valid until ${new Date(expiresAt!).toLocaleTimeString()}`}</span>;
 * }
 */
export function useSession(session: Session): SessionSnapshot {
  return useSyncExternalStore(session.watch, session.getSnapshot, session.getSnapshot);
}

/**
 * Calls `listener` for every session event while the component is mounted (the latest
 * `listener` is used; it need not be memoised).
 * @example
 * useSessionEvents(session, (event) => {
 *   if (event.type === 'expiring') setPrompt(event.remaining);
 * });
 */
export function useSessionEvents(session: Session, listener: (event: SessionEvent) => void): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => session.subscribe((event) => latest.current(event)), [session]);
}
