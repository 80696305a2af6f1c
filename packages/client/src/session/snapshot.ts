/**
 * What a session shows about itself, derived from its state. A snapshot keeps its identity
 * while its content is unchanged, as `useSyncExternalStore` needs.
 */

import { refreshAt } from '../machine/policy.js';
import type { MachineConfig, State } from '../machine/reduce.js';
import type { SessionSnapshot } from './types.js';

function shallowEqual(a: SessionSnapshot, b: SessionSnapshot): boolean {
  const keys = Object.keys(a) as (keyof SessionSnapshot)[];
  return keys.every((key) =>
    key === 'lastError' ? a.lastError?.message === b.lastError?.message : a[key] === b[key],
  );
}

function snapshotOf(config: MachineConfig, s: State): SessionSnapshot {
  const t = s.tokens;
  const last = s.refresh.lastError;
  return {
    status: s.status,
    refreshing: s.refresh.inFlight !== undefined,
    paused: s.paused,
    online: s.online,
    fingerprint: t?.fingerprint,
    expiresAt: t?.expiresAt,
    refreshAt: t && config.canRefresh ? refreshAt(config.policy, t) : undefined,
    idleDeadline: s.idleDeadline,
    retryAt: s.refresh.retryAt,
    lastError: last && { code: last.code, kind: last.kind, message: last.message },
    expiredReason: s.expired?.reason,
  };
}

/** A snapshot function that recomputes only for a new state, and keeps equal snapshots. */
export function createSnapshots(config: MachineConfig): (state: State) => SessionSnapshot {
  let last: { state: State; value: SessionSnapshot } | undefined;
  return (state) => {
    if (last?.state === state) return last.value;
    const value = snapshotOf(config, state);
    const keep = last && shallowEqual(last.value, value) ? last.value : value;
    last = { state, value: keep };
    return keep;
  };
}
