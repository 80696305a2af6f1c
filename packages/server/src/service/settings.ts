import { randomBytes } from 'node:crypto';
import type { ClientType } from '../client-type.js';
import { type Clock, systemClock } from '../clock.js';
import { type Duration, parseDuration } from '../duration.js';
import { ConfigError } from '../errors.js';
import { parseServerSecret } from './keys/server-secret.js';
import { type Lifetimes, resolveLifetimes } from './lifetimes.js';
import { type PasswordHasher, scryptHasher } from './password.js';
import type { TokenServiceOptions } from './types.js';

/** The service's options, checked and with their defaults applied. */
export interface ServiceSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly clock: Clock;
  readonly secret: Uint8Array;
  readonly lifetimes: Readonly<Record<ClientType, Lifetimes>>;
  readonly reuseGraceMs: number;
  readonly sliding: boolean;
  readonly checkSession: boolean;
  readonly touchIntervalMs: number;
  readonly hasher: PasswordHasher;
  readonly minPasswordLength: number;
  readonly clockTolerance: Duration | undefined;
}

/** Validates the options once; every problem is a {@link ConfigError}. */
export function resolveServiceSettings(options: TokenServiceOptions): ServiceSettings {
  const { store, issuer, audience } = options;
  if (!issuer || !audience) throw new ConfigError('issuer and audience are required');
  if (options.secret === undefined && store.persistent) {
    // A random secret would seal the stored signing key and key every refresh-token MAC
    // under a value the next start cannot know: the restart fails, every session is lost.
    throw new ConfigError(
      'a server secret is required with a persistent store (set TOKENKEEPER_SECRET, or pass secret); only an in-memory store may use a random one',
    );
  }
  const sliding = options.sliding ?? false;
  return {
    issuer,
    audience,
    clock: options.clock ?? systemClock,
    secret: parseServerSecret(options.secret ?? randomBytes(32)),
    lifetimes: resolveLifetimes(options.lifetimes),
    reuseGraceMs: parseDuration(options.reuseGrace ?? '10s', 'reuse grace'),
    sliding,
    checkSession: sliding || (options.checkSession ?? false),
    touchIntervalMs: parseDuration(options.touchInterval ?? '5s', 'touch interval'),
    hasher: options.passwordHasher ?? scryptHasher(options.passwordHashing),
    minPasswordLength: options.minPasswordLength ?? 8,
    clockTolerance: options.clockTolerance,
  };
}
