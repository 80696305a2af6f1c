/**
 * The socket policy, written once. Every socket adapter (WebSocket, graphql-ws, Socket.IO,
 * ActionCable) maps its library's events onto this driver, and the driver decides what the
 * session means for the connection: which token a (re)connect carries, when the session is
 * held, what a refusal costs, how long to back off, and when to stop for good. Private to the
 * adapters.
 *
 * Holding the session (`retain()`): from the start of a connection attempt until the
 * connection is gone and the driver backs off, i.e. while a connection is being made, is open,
 * or is being re-authenticated after a refusal or a refresh; never while waiting out a backoff
 * or while idle. Why: an open connection is only as good as its token (servers close it with
 * 4440 at expiry, or refuse its next reconnect), so while one is open or being made the token
 * is refreshed ahead of expiry and the connection moves to it before the server notices. A
 * connection waiting to retry a server that is down for hours needs no fresh token until it
 * retries, and every connect reads the live token anyway (waiting for one refresh when the
 * token has run out); holding the session through the backoff would rotate refresh tokens
 * for nobody every lifetime, wake a sleeping device and keep a server-side idle timeout alive
 * for an absent user.
 */
import { type Clock, systemClock } from '../clock.js';
import {
  isTokenkeeperError,
  SessionExpiredError,
  SignedOutError,
  type TokenkeeperError,
} from '../errors.js';
import { fingerprint } from '../redact.js';
import { backgroundAccessToken } from '../session/adapter-access.js';
import type { Session } from '../session/types.js';
import { createRefusalGuard, keepProcessAlive, reconnectDelay } from './socket-auth.js';

/**
 * Why a connection (or an attempt) ended, as the adapter reads it from its library:
 * - `refused`: the server refused or expired the token (a close code, a connect error, a
 *   refusal message): one refresh and an immediate reconnect, unless the token came from a
 *   refresh after a refusal and was never accepted (then back off: no refresh loop);
 * - `reauthenticate`: the adapter closed it to move to a newer token: reconnect at once;
 * - `dropped`: anything else (network, server restart, no token right now): back off.
 */
export type SocketClose = 'refused' | 'reauthenticate' | 'dropped';

/**
 * - `idle`: no connection and none planned by the driver (not started, or the library
 *   reconnects by itself);
 * - `connecting`: an attempt is reading the token or opening; `open`: connected;
 * - `recovering`: closed to re-authenticate, reconnecting at once (after one refresh for a
 *   refusal);
 * - `waiting`: backing off before the next attempt;
 * - `ended`: the session ended or the driver stopped; nothing reconnects.
 * The session is held in `connecting`, `open` and `recovering`.
 */
export type SocketPhase = 'idle' | 'connecting' | 'open' | 'recovering' | 'waiting' | 'ended';

/** What {@link SocketDriver.closed} decided. */
export interface Reconnect {
  /** Backoff before the next attempt, in ms; 0 when it follows at once (after one refresh for a refusal). */
  readonly retryIn: number;
  /**
   * Resolves true when the adapter should connect now; false when it should not: the session
   * ended, the driver stopped, or another attempt started meanwhile.
   */
  readonly due: Promise<boolean>;
}

export interface SocketDriverOptions {
  /** @default systemClock */
  clock?: Clock | undefined;
  /** Jitter for the backoff. @default Math.random */
  random?: (() => number) | undefined;
  /** A refresh landed while connected: move the connection to the new token. */
  onRefresh(): void;
  /** The session ended (signed out, expired, disposed): close for good. */
  onEnd(error: TokenkeeperError): void;
}

export interface SocketDriver {
  readonly phase: SocketPhase;
  /** The session's error once it ended; cleared when a new session starts. */
  readonly error: TokenkeeperError | undefined;
  /** The token of the latest attempt. */
  readonly token: string | undefined;
  /**
   * An attempt starts: holds the session and resolves to the live token (waiting for a refresh
   * when one is due). Rejects with the session's typed error; a non-retryable one ends the
   * driver (`onEnd`), a retryable one is the adapter's to answer with `closed('dropped')`.
   */
  connect(): Promise<string>;
  /** The connection is up. True when its token is already stale (a refresh landed meanwhile). */
  opened(): boolean;
  /** The server accepted the connection's token (acknowledged, welcomed, sent its first message). */
  confirmed(): void;
  /**
   * The live token for re-authenticating the open connection in band (no reconnect), which
   * becomes the connection's token; undefined when the connection already carries it.
   */
  reauthenticate(): Promise<string | undefined>;
  /** The connection or attempt ended; the driver decides when to reconnect. */
  closed(why: SocketClose): Reconnect;
  /** The connection is gone and the library decides whether to reconnect: let go of the session. */
  disconnected(): void;
  /** Stops following the session for good and releases it. */
  stop(): void;
}

export function createSocketDriver(session: Session, options: SocketDriverOptions): SocketDriver {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const refusals = createRefusalGuard(fingerprint);
  let phase: SocketPhase = 'idle';
  let token: string | undefined;
  let error: TokenkeeperError | undefined;
  let failures = 0; // consecutive attempts that did not reach a confirmed connection
  let attempt = 0; // the latest connect(), so an older token read does not overwrite `token`
  let release: (() => void) | undefined;
  let stopped = false;
  let pending: { resolve(go: boolean): void; timer: unknown } | undefined;

  function enter(next: SocketPhase): void {
    phase = next;
    if (!stopped && (next === 'connecting' || next === 'open' || next === 'recovering')) {
      release ??= session.retain();
    } else {
      release?.();
      release = undefined;
    }
  }

  /** Ends the current wait: `go` tells its adapter whether to connect now. */
  function settle(go: boolean): void {
    const wait = pending;
    pending = undefined;
    if (wait?.timer !== undefined) clock.clearTimeout(wait.timer);
    wait?.resolve(go);
  }

  /** The session ended: nothing reconnects; the adapter hears it once per session. */
  function end(reason: TokenkeeperError): void {
    settle(false);
    enter('ended');
    if (error !== undefined || stopped) return;
    error = reason;
    options.onEnd(reason);
  }

  const unsubscribe = session.subscribe((event) => {
    if (event.type === 'refreshed' && phase === 'open') options.onRefresh();
    else if (event.type === 'expired') end(new SessionExpiredError(event.reason));
    else if (event.type === 'signedOut') end(new SignedOutError());
    else if ((event.type === 'signedIn' || event.type === 'restored') && !stopped) {
      if (phase === 'ended') enter('idle'); // a new session: the library may connect again
      error = undefined;
    }
  });

  function backOff(resolve: (go: boolean) => void): number {
    failures++;
    const delay = reconnectDelay(failures, random);
    enter('waiting');
    const wait = { resolve, timer: undefined as unknown };
    pending = wait;
    wait.timer = keepProcessAlive(clock.setTimeout(() => pending === wait && settle(true), delay));
    return delay;
  }

  /** One refresh for the refused token, then reconnect; an ended session ends the driver. */
  function refreshFor(refused: string, resolve: (go: boolean) => void): void {
    enter('recovering');
    const wait = { resolve, timer: undefined };
    pending = wait;
    session.handleUnauthorized(refused).then(
      (fresh) => {
        refusals.refreshedTo(fresh);
        if (pending === wait) settle(true);
      },
      (failure: unknown) => {
        if (pending !== wait) return;
        if (isTokenkeeperError(failure) && !failure.retryable) return end(failure);
        pending = undefined;
        backOff(resolve); // offline, or the token server is busy: try again later
      },
    );
  }

  return {
    get phase() {
      return phase;
    },
    get error() {
      return error;
    },
    get token() {
      return token;
    },
    async connect() {
      const mine = ++attempt;
      settle(false); // an attempt the library started by itself replaces a planned one
      enter('connecting');
      try {
        const fresh = await backgroundAccessToken(session);
        if (mine === attempt) token = fresh;
        return fresh;
      } catch (failure) {
        if (isTokenkeeperError(failure) && !failure.retryable) end(failure);
        else if (mine === attempt && phase === 'connecting') enter('idle');
        throw failure;
      }
    },
    opened() {
      enter('open');
      return token !== undefined && fingerprint(token) !== session.getSnapshot().fingerprint;
    },
    confirmed() {
      failures = 0;
      if (token !== undefined) refusals.accepted(token);
    },
    async reauthenticate() {
      const fresh = await backgroundAccessToken(session);
      if (fresh === token) return undefined;
      token = fresh;
      return fresh;
    },
    closed(why) {
      settle(false);
      if (phase === 'ended') return { retryIn: 0, due: Promise.resolve(false) };
      let retryIn = 0;
      const due = new Promise<boolean>((resolve) => {
        if (why === 'reauthenticate') {
          enter('recovering');
          resolve(true);
        } else if (why === 'refused' && token !== undefined && refusals.mayRefresh(token)) {
          refreshFor(token, resolve);
        } else {
          retryIn = backOff(resolve); // a drop, or a fresh token refused again
        }
      });
      return { retryIn, due };
    },
    disconnected() {
      if (phase === 'connecting' || phase === 'open') enter('idle');
    },
    stop() {
      stopped = true;
      unsubscribe();
      settle(false);
      enter('ended');
    },
  };
}
