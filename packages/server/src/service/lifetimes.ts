import type { ClientType } from '../client-type.js';
import { type Duration, parseDuration } from '../duration.js';
import { ConfigError } from '../errors.js';

/** Resolved lifetimes of one client type, in milliseconds. */
export interface Lifetimes {
  /** Access-token lifetime. */
  readonly accessTtl: number;
  /** A session unused for this long is over. Every rotation (and, in sliding mode, every
   * verified API call) moves the deadline to now + idleTimeout. */
  readonly idleTimeout: number;
  /** A session is over this long after login, however active. Rotation never extends it. */
  readonly absoluteTimeout: number;
}

/** Lifetimes as options; durations as ms or text (`'15m'`, `'90d'`). */
export interface LifetimeOptions {
  accessTtl?: Duration;
  idleTimeout?: Duration;
  absoluteTimeout?: Duration;
}

/**
 * Defaults, and why:
 *
 * web: access 15 min, idle 7 days, absolute 30 days. A browser keeps tokens where script can
 * reach them, so the access token stays short (RFC 9700 §4.14 asks for short-lived, rotated
 * tokens for public clients); a week of idleness covers a weekly user; a monthly fresh login
 * bounds how long a stolen-and-rotated family can live (seed 003's table: web refresh 7–30 d).
 *
 * mobile: access 60 min, idle 90 days, absolute 365 days. Seed 003: phones sleep, background
 * and lose the network, and every refresh is a chance to fail; a 60-minute access token (the
 * top of the 15–60 min range) halves the refreshes against a 30-minute one, and the 90-day
 * refresh window keeps an app that sits unopened for up to three months signed in. The
 * absolute year bounds a family whose device was lost without being reported.
 */
export const defaultLifetimes: Readonly<Record<ClientType, Lifetimes>> = Object.freeze({
  web: Object.freeze({
    accessTtl: 15 * 60_000,
    idleTimeout: 7 * 86_400_000,
    absoluteTimeout: 30 * 86_400_000,
  }),
  mobile: Object.freeze({
    accessTtl: 60 * 60_000,
    idleTimeout: 90 * 86_400_000,
    absoluteTimeout: 365 * 86_400_000,
  }),
});

/** Applies overrides to the defaults and checks the result makes sense. */
export function resolveLifetimes(
  options: Partial<Record<ClientType, LifetimeOptions>> = {},
): Record<ClientType, Lifetimes> {
  const resolve = (type: ClientType): Lifetimes => {
    const base = defaultLifetimes[type];
    const given = options[type] ?? {};
    const read = (value: Duration | undefined, fallback: number, name: string) =>
      value === undefined ? fallback : parseDuration(value, `${type} ${name}`);
    const result = {
      accessTtl: read(given.accessTtl, base.accessTtl, 'access TTL'),
      idleTimeout: read(given.idleTimeout, base.idleTimeout, 'idle timeout'),
      absoluteTimeout: read(given.absoluteTimeout, base.absoluteTimeout, 'absolute timeout'),
    };
    if (result.accessTtl < 1000) throw new ConfigError(`${type} access TTL must be at least 1s`);
    if (result.idleTimeout < 1000)
      throw new ConfigError(`${type} idle timeout must be at least 1s`);
    if (result.absoluteTimeout < result.idleTimeout) {
      throw new ConfigError(`${type} absolute timeout must not be shorter than its idle timeout`);
    }
    return result;
  };
  return { web: resolve('web'), mobile: resolve('mobile') };
}
