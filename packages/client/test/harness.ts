import {
  createSession,
  type Logger,
  type RefreshFunction,
  type RevokeFunction,
  type SessionEvent,
  type SessionOptions,
} from 'tokenkeeper';
import { createFetch } from 'tokenkeeper/fetch';
import {
  createTokenEndpoint,
  createVirtualClock,
  type TokenEndpointOptions,
} from 'tokenkeeper/testing';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface LogLine {
  level: string;
  message: string;
  fields: unknown;
}

/** A session on a virtual clock against a scripted token endpoint, recording everything. */
export function harness(
  options: {
    session?: Partial<SessionOptions>;
    server?: Partial<TokenEndpointOptions>;
    /** Wraps the endpoint's refresh function, e.g. to observe its context. */
    wrapRefresh?: (inner: RefreshFunction) => RefreshFunction;
    /** `endpoint`: revoke through the scripted endpoint's RFC 7009 route; or your own function. */
    revoke?: 'endpoint' | RevokeFunction;
  } = {},
) {
  const clock = createVirtualClock();
  const server = createTokenEndpoint({ clock, ...options.server });
  const logs: LogLine[] = [];
  const logger: Logger = {
    debug: (message, fields) => logs.push({ level: 'debug', message, fields }),
    info: (message, fields) => logs.push({ level: 'info', message, fields }),
    warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
    error: (message, fields) => logs.push({ level: 'error', message, fields }),
  };
  const session = createSession({
    clock,
    refresh: options.wrapRefresh ? options.wrapRefresh(server.refresh) : server.refresh,
    ...(options.revoke === undefined
      ? {}
      : { revoke: options.revoke === 'endpoint' ? server.revoke : options.revoke }),
    logger,
    random: () => 0.5,
    ...options.session,
  });
  const events: (SessionEvent & { at: number })[] = [];
  session.subscribe((event) => events.push({ ...event, at: clock.now() }));
  const api = createFetch(session, { fetch: server.fetch, origins: ['https://auth.test'] });
  const of = <T extends SessionEvent['type']>(type: T) =>
    events.filter((e): e is Extract<SessionEvent, { type: T }> & { at: number } => e.type === type);
  return { clock, server, session, events, logs, api, of };
}

/** Settles a promise into a value or the error, for asserting on both without try/catch. */
export async function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}
