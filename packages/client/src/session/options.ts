/**
 * Session options, validated once: what the reducer needs (its config) and what the runtime
 * needs (clock, storage, timeouts), with the defaults applied.
 */
import { type Clock, systemClock } from '../clock.js';
import type { DpopBinding } from '../dpop/binding.js';
import { ConfigError } from '../errors.js';
import { resolvePolicy } from '../machine/policy.js';
import type { MachineConfig } from '../machine/reduce.js';
import { memoryStorage } from '../storage/memory.js';
import type { SessionStorage } from '../storage/types.js';
import type { SessionOptions } from './types.js';

export interface ResolvedOptions {
  readonly config: MachineConfig;
  readonly clock: Clock;
  readonly storage: SessionStorage;
  readonly storageKey: string;
  readonly refreshTimeout: number;
  readonly random: () => number;
  /** The DPoP binding, for sessions with the `dpop` option. */
  readonly dpop: DpopBinding | undefined;
}

const DEFAULT_STORAGE_KEY = 'tokenkeeper.session';

function positive(value: number | undefined, name: string): number | undefined {
  if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
    throw new ConfigError(`${name} must be a positive number of milliseconds`);
  }
  return value;
}

function machineConfig(options: SessionOptions): MachineConfig {
  if (options.refresh !== undefined && typeof options.refresh !== 'function') {
    throw new ConfigError('refresh must be a function');
  }
  const idleTimeout = positive(options.idleTimeout, 'idleTimeout');
  const warning =
    positive(options.expiringWarning, 'expiringWarning') ??
    (idleTimeout === undefined ? 0 : Math.min(60_000, idleTimeout / 2));
  return {
    policy: resolvePolicy(options.refreshPolicy, options.retry),
    canRefresh: options.refresh !== undefined,
    idleTimeout,
    expiringWarning: warning,
    autoExtend: options.autoExtend ?? false,
    dpop: options.dpop !== undefined,
    tracksActivity: idleTimeout !== undefined || options.refreshPolicy?.activeWindow !== undefined,
    // Activity is saved and shared with other tabs at most this often: often enough that an
    // idle tab's countdown trails the busy tab's by a sixtieth of the idle timeout at most.
    activityPersistInterval:
      idleTimeout === undefined ? Number.POSITIVE_INFINITY : Math.max(1_000, idleTimeout / 60),
  };
}

/** Validates `options` (throwing `ConfigError`) and applies the defaults. */
export function resolveOptions(options: SessionOptions): ResolvedOptions {
  const clock = options.clock ?? systemClock;
  const storageKey = options.storageKey ?? DEFAULT_STORAGE_KEY;
  const { dpop } = options;
  if (dpop !== undefined && dpop?.kind !== 'tokenkeeper.dpop') {
    throw new ConfigError("dpop must be dpopKey(options) from 'tokenkeeper/dpop'");
  }
  return {
    config: machineConfig(options),
    clock,
    storage: options.storage ?? memoryStorage(),
    storageKey,
    dpop: dpop?.create({ id: storageKey, clock, storage: options.storage }),
    refreshTimeout: positive(options.refreshTimeout, 'refreshTimeout') ?? 10_000,
    random: options.random ?? Math.random,
  };
}
