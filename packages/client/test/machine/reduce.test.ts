/**
 * The reducer, called directly: (state, input, now) → (state, effects). One table per input
 * type; each row names the situation, the input and what must come out. No runtime, no timers.
 */
import { describe, expect, it } from 'vitest';
import {
  OfflineError,
  RefreshFailedError,
  SessionExpiredError,
  StorageError,
} from '../../src/errors.js';
import {
  type Effect,
  type Env,
  type Input,
  initialState,
  type MachineConfig,
  reduce,
  type State,
} from '../../src/machine/reduce.js';
import { idleRefresh } from '../../src/machine/state.js';
import { resolveOptions } from '../../src/session/options.js';
import type { SessionOptions } from '../../src/session/types.js';
import { parseTokenInput } from '../../src/tokens/parse.js';
import type { Tokens } from '../../src/tokens/types.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const T0 = 1_700_000_000_000;
const refresh = async () => ({ access_token: 'unused' });

function configOf(options: SessionOptions = {}): MachineConfig {
  return resolveOptions({ refresh, ...options }).config;
}
const plain = configOf();
const sliding = configOf({ idleTimeout: 15 * MINUTE });
const noRefresh = resolveOptions({}).config;

/** Tokens received at `at`, valid for `minutes`: lead 27 s and min validity 10 s at 15 min. */
function tokens(at: number, name = 'A1', minutes = 15): Tokens {
  return parseTokenInput(
    { access_token: `access-${name}`, refresh_token: `refresh-${name}`, expires_in: minutes * 60 },
    at,
  );
}

/** An active session that signed in at T0 with tokens A1, plus `patch`. */
function active(patch: Partial<State> = {}, config: MachineConfig = plain): State {
  const idle = config.idleTimeout;
  return {
    ...initialState(),
    status: 'active',
    tokens: tokens(T0),
    generation: 1,
    lastActivityAt: idle === undefined ? undefined : T0,
    idleDeadline: idle === undefined ? undefined : T0 + idle,
    persistedActivityAt: idle === undefined ? undefined : T0,
    ...patch,
  };
}

const signedOut: State = { ...initialState(), status: 'signedOut' };
const loading: State = initialState();
const inFlight = (seq: number, reason: 'demand' | 'proactive' = 'demand') => ({
  ...idleRefresh,
  seq,
  inFlight: { seq, reason },
});

function step(state: State, input: Input, now: number, config = plain, env: Partial<Env> = {}) {
  return reduce(config, state, input, { now, jitter: 0.5, lastReadAt: undefined, ...env });
}

const types = (effects: readonly Effect[]) =>
  effects.map((e) => (e.type === 'emit' ? `emit:${e.event.type}` : e.type));
const settled = (effects: readonly Effect[], who: 'token' | 'refresh') =>
  effects.find(
    (e): e is Extract<Effect, { type: 'settle' }> => e.type === 'settle' && e.who === who,
  )?.outcome;

describe('reduce: restored', () => {
  it('loading + stored tokens → active, restored, waiting callers get the token', () => {
    const r = step(loading, { type: 'restored', tokens: tokens(T0), lastActivityAt: T0 }, T0);
    expect(r.state.status).toBe('active');
    expect(r.state.generation).toBe(1);
    // Callers are answered before the event's listeners run, as they always were.
    expect(types(r.effects)).toEqual(['settle', 'settle', 'emit:restored']);
    expect(settled(r.effects, 'token')).toEqual({ token: 'access-A1' });
    expect(settled(r.effects, 'refresh')).toEqual({ token: 'access-A1' });
  });
  it('loading + nothing stored → signedOut, callers get SignedOutError', () => {
    const r = step(loading, { type: 'restored', tokens: undefined, lastActivityAt: undefined }, T0);
    expect(r.state.status).toBe('signedOut');
    const outcome = settled(r.effects, 'token');
    expect(outcome && 'error' in outcome && outcome.error.code).toBe('ERR_SIGNED_OUT');
  });
  it('loading + expired stored token + a demand made while loading → one refresh, callers wait', () => {
    const wanting = step(loading, { type: 'demand' }, T0).state;
    expect(wanting.refresh.wanted).toBe('demand');
    const r = step(
      wanting,
      { type: 'restored', tokens: tokens(T0), lastActivityAt: T0 },
      T0 + 20 * MINUTE,
    );
    expect(types(r.effects)).toEqual(['emit:restored', 'startRefresh', 'emit:refreshing']);
    expect(r.state.refresh.inFlight).toEqual({ seq: 1, reason: 'demand' });
  });
  it('a second restore is ignored', () => {
    const r = step(
      active(),
      { type: 'restored', tokens: undefined, lastActivityAt: undefined },
      T0,
    );
    expect(r.state).toEqual(active());
    expect(r.effects).toEqual([]);
  });
  it('a sliding session restores its idle countdown from the stored activity', () => {
    const r = step(
      loading,
      { type: 'restored', tokens: tokens(T0), lastActivityAt: T0 - MINUTE },
      T0,
      sliding,
    );
    expect(r.state.idleDeadline).toBe(T0 - MINUTE + 15 * MINUTE);
  });
});

describe('reduce: restoreFailed', () => {
  const unavailable = new StorageError('Secure store read failed', { retryable: true });
  it('in the background, a store that is unavailable → still loading; callers get its error', () => {
    const r = step({ ...loading, paused: true }, { type: 'restoreFailed', error: unavailable }, T0);
    expect(r.state.status).toBe('loading');
    expect(r.state.restoreError).toBe(unavailable);
    expect(types(r.effects)).toEqual(['emit:storageError', 'settle', 'settle']);
    expect(settled(r.effects, 'token')).toEqual({ error: unavailable });
    // The resume reads again; callers wait for that read.
    const resumed = step(r.state, { type: 'resume' }, T0 + MINUTE);
    expect(types(resumed.effects)).toEqual(['emit:resumed', 'retryStorage', 'restore']);
    expect(resumed.state.restoreError).toBeUndefined();
    expect(step(resumed.state, { type: 'demand' }, T0 + MINUTE).effects).toEqual([]);
  });
  it('in the foreground, or unreadable data → signed out', () => {
    for (const [paused, error] of [
      [false, unavailable],
      [true, new StorageError('Stored session is corrupt')],
    ] as const) {
      const r = step({ ...loading, paused }, { type: 'restoreFailed', error }, T0);
      expect(r.state.status).toBe('signedOut');
      expect(types(r.effects)).toEqual(['emit:storageError', 'settle', 'settle']);
    }
  });
});

describe('reduce: signIn and signOut', () => {
  it('signIn → active, stored, announced; a running refresh is dropped; callers answered', () => {
    const s = active({ refresh: inFlight(4) });
    const r = step(s, { type: 'signIn', tokens: tokens(T0 + SECOND, 'B') }, T0 + SECOND);
    expect(r.state.generation).toBe(2);
    expect(r.state.refresh).toEqual({ ...idleRefresh, seq: 4 });
    expect(types(r.effects)).toEqual([
      'abortRefresh',
      'persist',
      'announce',
      'emit:signedIn',
      'settle',
      'settle',
    ]);
    expect(settled(r.effects, 'refresh')).toEqual({ token: 'access-B' });
  });
  it('signOut → signedOut, storage cleared, tokens revoked, callers told', () => {
    const r = step(active(), { type: 'signOut', remote: false }, T0 + SECOND);
    expect(r.state.status).toBe('signedOut');
    expect(r.state.tokens).toBeUndefined();
    expect(types(r.effects)).toEqual([
      'clearStorage',
      'revoke',
      'emit:signedOut',
      'announce',
      'settle',
      'settle',
    ]);
  });
  it('signOut when signed out only clears storage', () => {
    const r = step(signedOut, { type: 'signOut', remote: false }, T0);
    expect(types(r.effects)).toEqual(['clearStorage']);
  });
  it('a remote signOut neither revokes nor announces again', () => {
    const r = step(active(), { type: 'signOut', remote: true }, T0);
    expect(types(r.effects)).toEqual(['clearStorageIfHeld', 'emit:signedOut', 'settle', 'settle']);
  });
});

describe('reduce: tick (time alone)', () => {
  it.each([
    ['nothing due', active(), T0 + MINUTE, plain, []],
    [
      'retained and past the refresh point → proactive refresh',
      active({ leases: 1 }),
      T0 + 14 * MINUTE + 40 * SECOND,
      plain,
      ['startRefresh', 'emit:refreshing'],
    ],
    [
      'not in use past the refresh point → nothing (the next read decides)',
      active(),
      T0 + 14 * MINUTE + 40 * SECOND,
      plain,
      [],
    ],
    [
      'sliding, past the idle deadline → expired idle, revoked',
      active({}, sliding),
      T0 + 15 * MINUTE,
      sliding,
      ['clearStorage', 'revoke', 'emit:expired', 'announce', 'settle', 'settle'],
    ],
    [
      'sliding, inside the warning → expiring',
      active({}, sliding),
      T0 + 14 * MINUTE + 30 * SECOND,
      sliding,
      ['emit:expiring'],
    ],
    [
      'no refresh option, access token expired → expired token_expired',
      active({}, noRefresh),
      T0 + 15 * MINUTE,
      noRefresh,
      ['clearStorage', 'emit:expired', 'announce', 'settle', 'settle'],
    ],
  ] as const)('%s', (_name, s, now, config, expected) => {
    expect(types(step(s, { type: 'tick' }, now, config).effects)).toEqual(expected);
  });
});

describe('reduce: demand', () => {
  it('usable token → answered at once', () => {
    const r = step(active(), { type: 'demand' }, T0 + MINUTE);
    expect(r.effects).toEqual([{ type: 'settle', who: 'token', outcome: { token: 'access-A1' } }]);
  });
  it('past usability → one refresh, callers wait (no answer yet)', () => {
    const r = step(active(), { type: 'demand' }, T0 + 15 * MINUTE - 5 * SECOND);
    expect(types(r.effects)).toEqual(['startRefresh', 'emit:refreshing']);
    expect(r.state.refresh.inFlight?.reason).toBe('demand');
  });
  it('offline and past usability → OfflineError at once, no refresh', () => {
    const r = step(active({ online: false }), { type: 'demand' }, T0 + 16 * MINUTE);
    expect(types(r.effects)).toEqual(['settle']);
    expect(settled(r.effects, 'token')).toEqual({ error: expect.any(OfflineError) });
  });
  it('backing off → the last failure at once', () => {
    const lastError = new RefreshFailedError('server', 'HTTP 503');
    const s = active({
      refresh: { ...idleRefresh, seq: 1, failures: 1, retryAt: T0 + 20 * MINUTE, lastError },
    });
    const r = step(s, { type: 'demand' }, T0 + 16 * MINUTE);
    expect(settled(r.effects, 'token')).toEqual({ error: lastError });
  });
  it('while loading → remembered, not answered', () => {
    const r = step(loading, { type: 'demand' }, T0);
    expect(r.effects).toEqual([]);
    expect(r.state.refresh.wanted).toBe('demand');
  });
  it('expired session → SessionExpiredError with the reason', () => {
    const s: State = {
      ...initialState(),
      status: 'expired',
      expired: { reason: 'idle', error: undefined },
    };
    const outcome = settled(step(s, { type: 'demand' }, T0).effects, 'token');
    expect(outcome).toEqual({ error: expect.any(SessionExpiredError) });
  });
});

describe('reduce: unauthorized', () => {
  it('401 for the current token → refresh, the token is not handed out again', () => {
    const r = step(active(), { type: 'unauthorized', usedToken: 'access-A1' }, T0 + MINUTE);
    expect(r.state.rejectedGeneration).toBe(1);
    expect(types(r.effects)).toEqual(['emit:unauthorized', 'startRefresh', 'emit:refreshing']);
    expect(r.effects[0]).toMatchObject({
      event: { stale: false, fingerprint: expect.stringMatching(/^tk_/) },
    });
  });
  it('401 for an older token → stale, no refresh', () => {
    const r = step(active(), { type: 'unauthorized', usedToken: 'access-old' }, T0 + MINUTE);
    expect(r.state.rejectedGeneration).toBeUndefined();
    expect(types(r.effects)).toEqual(['emit:unauthorized']);
    expect(r.effects[0]).toMatchObject({ event: { stale: true } });
  });
  it('401 without a token → stale, fingerprint "none"', () => {
    const r = step(active(), { type: 'unauthorized', usedToken: undefined }, T0);
    expect(r.effects[0]).toMatchObject({ event: { stale: true, fingerprint: 'none' } });
  });
  it('a second 401 for the same token while its refresh runs → nothing more', () => {
    const s = active({ rejectedGeneration: 1, refresh: inFlight(1) });
    const r = step(s, { type: 'unauthorized', usedToken: 'access-A1' }, T0 + MINUTE);
    expect(types(r.effects)).toEqual(['emit:unauthorized']);
  });
  it('not signed in → ignored', () => {
    expect(step(signedOut, { type: 'unauthorized', usedToken: 'x' }, T0).effects).toEqual([]);
  });
  it('no refresh option → the session ends (unauthorized)', () => {
    const r = step(
      active({}, noRefresh),
      { type: 'unauthorized', usedToken: 'access-A1' },
      T0,
      noRefresh,
    );
    expect(r.state.expired?.reason).toBe('unauthorized');
  });
});

describe('reduce: activity', () => {
  it('sliding: restarts the countdown; saved and announced at most every idle/60', () => {
    const s = active({}, sliding);
    const r = step(s, { type: 'activity' }, T0 + MINUTE, sliding);
    expect(r.state.idleDeadline).toBe(T0 + MINUTE + 15 * MINUTE);
    expect(types(r.effects)).toEqual(['persist', 'announce']);
    const again = step(r.state, { type: 'activity' }, T0 + MINUTE + SECOND, sliding);
    expect(again.effects).toEqual([]);
    expect(again.state.idleDeadline).toBe(T0 + MINUTE + SECOND + 15 * MINUTE);
  });
  it('past the deadline: activity does not revive it; the session ends idle', () => {
    const r = step(active({}, sliding), { type: 'activity' }, T0 + 16 * MINUTE, sliding);
    expect(r.state.status).toBe('expired');
    expect(r.state.expired?.reason).toBe('idle');
  });
  it('without an idle timeout: only the use time moves', () => {
    const r = step(active(), { type: 'activity' }, T0 + MINUTE);
    expect(r.state.lastUseAt).toBe(T0 + MINUTE);
    expect(r.effects).toEqual([]);
  });
});

describe('reduce: extend (refresh() and extend())', () => {
  it('active and online → the countdown restarts now and a refresh starts at once', () => {
    const r = step(active({}, sliding), { type: 'extend' }, T0 + 5 * MINUTE, sliding);
    expect(r.state.idleDeadline).toBe(T0 + 20 * MINUTE);
    expect(r.state.refresh.inFlight).toEqual({ seq: 1, reason: 'extend' });
    expect(settled(r.effects, 'refresh')).toBeUndefined();
  });
  it('cuts a backoff wait short', () => {
    const s = active({
      refresh: { ...idleRefresh, seq: 2, failures: 3, retryAt: T0 + 10 * MINUTE },
    });
    const r = step(s, { type: 'extend' }, T0 + MINUTE);
    expect(r.state.refresh.inFlight).toEqual({ seq: 3, reason: 'extend' });
  });
  it('no refresh option → the call gets a ConfigError', () => {
    const r = step(active({}, noRefresh), { type: 'extend' }, T0, noRefresh);
    const outcome = settled(r.effects, 'refresh');
    expect(outcome && 'error' in outcome && outcome.error.code).toBe('ERR_INVALID_OPTIONS');
  });
  it('offline → the call gets OfflineError, nothing else changes', () => {
    const s = active({ online: false });
    const r = step(s, { type: 'extend' }, T0);
    expect(r.state).toBe(s);
    expect(settled(r.effects, 'refresh')).toEqual({ error: expect.any(OfflineError) });
  });
  it('signed out → the call (and any token caller) gets SignedOutError', () => {
    const r = step(signedOut, { type: 'extend' }, T0);
    const outcome = settled(r.effects, 'refresh');
    expect(outcome && 'error' in outcome && outcome.error.code).toBe('ERR_SIGNED_OUT');
  });
  it('loading → remembered like a demand, answered by the restore', () => {
    const r = step(loading, { type: 'extend' }, T0);
    expect(r.effects).toEqual([]);
    expect(r.state.refresh.wanted).toBe('demand');
  });
});

describe('reduce: refresh results', () => {
  const running = active({ refresh: inFlight(3), rejectedGeneration: 1 });
  const succeeded = (baseGeneration: number): Input => ({
    type: 'refreshSucceeded',
    seq: 3,
    baseGeneration,
    reason: 'demand',
    tokens: tokens(T0 + MINUTE, 'B'),
  });
  it('succeeded from the tokens we hold → new tokens, stored, announced, both callers answered', () => {
    const r = step(running, succeeded(1), T0 + MINUTE);
    expect(r.state.generation).toBe(2);
    expect(r.state.rejectedGeneration).toBeUndefined();
    expect(r.state.refresh).toEqual({ ...idleRefresh, seq: 3 });
    expect(types(r.effects)).toEqual(['persist', 'announce', 'emit:refreshed', 'settle', 'settle']);
    expect(settled(r.effects, 'token')).toEqual({ token: 'access-B' });
    expect(settled(r.effects, 'refresh')).toEqual({ token: 'access-B' });
  });
  it('succeeded from older tokens → dropped', () => {
    const r = step(running, succeeded(0), T0 + MINUTE);
    expect(r.state).toBe(running);
    expect(r.effects).toEqual([]);
  });
  it('failed → backoff with jitter, the error to every caller, the session kept', () => {
    const error = new RefreshFailedError('network', 'network error');
    const r = step(running, { type: 'refreshFailed', seq: 3, error }, T0 + MINUTE);
    expect(r.state.status).toBe('active');
    expect(r.state.refresh.failures).toBe(1);
    // attempt 1, base 1 s, jitter 0.5 → 750 ms
    expect(r.state.refresh.retryAt).toBe(T0 + MINUTE + 750);
    expect(types(r.effects)).toEqual(['emit:refreshFailed', 'settle', 'settle']);
    const outcome = settled(r.effects, 'refresh');
    expect(outcome && 'error' in outcome && outcome.error).toMatchObject({
      kind: 'network',
      retryAt: T0 + MINUTE + 750,
    });
  });
  it('failed while offline → no backoff growth, the demand still owed', () => {
    const s = { ...running, online: false };
    const error = new RefreshFailedError('network', 'network error');
    const r = step(s, { type: 'refreshFailed', seq: 3, error }, T0 + MINUTE);
    expect(r.state.refresh.failures).toBe(0);
    expect(r.state.refresh.retryAt).toBeUndefined();
    expect(r.state.refresh.wanted).toBe('demand');
  });
  it('failed, but not the attempt running → ignored', () => {
    const error = new RefreshFailedError('network', 'late');
    expect(step(running, { type: 'refreshFailed', seq: 2, error }, T0).effects).toEqual([]);
  });
  it('rejected → expired with the reason; not revoked (the server ended it)', () => {
    const r = step(
      running,
      { type: 'refreshRejected', seq: 3, reason: 'invalid_grant', error: 'invalid_grant' },
      T0 + MINUTE,
    );
    expect(r.state.status).toBe('expired');
    expect(r.state.expired).toEqual({ reason: 'invalid_grant', error: 'invalid_grant' });
    expect(types(r.effects)).toEqual([
      'clearStorage',
      'emit:expired',
      'announce',
      'settle',
      'settle',
    ]);
    expect(settled(r.effects, 'token')).toEqual({ error: expect.any(SessionExpiredError) });
  });
  it('rejected, but not the attempt running → ignored', () => {
    const r = step(
      running,
      { type: 'refreshRejected', seq: 1, reason: 'invalid_grant', error: 'x' },
      T0,
    );
    expect(r.state).toBe(running);
  });
});

describe('reduce: pause, resume, online', () => {
  it('pause → paused, sliding sessions save their idle clock', () => {
    const r = step(active({}, sliding), { type: 'pause' }, T0 + MINUTE, sliding);
    expect(r.state.paused).toBe(true);
    expect(types(r.effects)).toEqual(['emit:paused', 'persist']);
    expect(step(r.state, { type: 'pause' }, T0 + MINUTE, sliding).effects).toEqual([]);
  });
  it('resume past the refresh point → one refresh (resume)', () => {
    const paused = active({ paused: true, pausedAt: T0 + MINUTE });
    const r = step(paused, { type: 'resume' }, T0 + 5 * 24 * 60 * MINUTE);
    expect(r.effects[0]).toEqual({
      type: 'emit',
      event: { type: 'resumed', awayMs: 5 * 24 * 60 * MINUTE - MINUTE },
    });
    expect(r.state.refresh.inFlight?.reason).toBe('resume');
  });
  it('resume of a sliding session past its deadline → expired idle', () => {
    const paused = active({ paused: true, pausedAt: T0 + MINUTE }, sliding);
    const r = step(paused, { type: 'resume' }, T0 + 20 * MINUTE, sliding);
    expect(r.state.expired?.reason).toBe('idle');
  });
  it('resume before the refresh point → nothing to do', () => {
    const paused = active({ paused: true, pausedAt: T0 });
    const r = step(paused, { type: 'resume' }, T0 + MINUTE);
    // Writes that storage refused in the background are tried again on every resume.
    expect(types(r.effects)).toEqual(['emit:resumed', 'retryStorage']);
  });
  it('offline → online past the refresh point → one refresh, network failures forgotten', () => {
    const s = active({
      online: false,
      refresh: { ...idleRefresh, failures: 4, retryAt: T0 + 99 * MINUTE },
    });
    const r = step(s, { type: 'online', online: true }, T0 + 15 * MINUTE);
    expect(r.state.refresh.failures).toBe(0);
    expect(types(r.effects)).toEqual(['emit:online', 'startRefresh', 'emit:refreshing']);
  });
  it('online → offline', () => {
    const r = step(active(), { type: 'online', online: false }, T0);
    expect(r.state.online).toBe(false);
    expect(types(r.effects)).toEqual(['emit:offline']);
  });
});

describe('reduce: retain and release', () => {
  it('counts leases; a lease makes the timer refresh ahead', () => {
    const held = step(active(), { type: 'retain' }, T0).state;
    expect(held.leases).toBe(1);
    expect(step(held, { type: 'release' }, T0).state.leases).toBe(0);
    expect(step(active(), { type: 'release' }, T0).state.leases).toBe(0);
  });
});

describe('reduce: other tabs', () => {
  it('adopt newer tokens → refreshed (remote), a waiting refresh() answered', () => {
    const r = step(
      active({ refresh: inFlight(2) }),
      {
        type: 'adopt',
        tokens: tokens(T0 + MINUTE, 'C'),
        lastActivityAt: undefined,
        origin: 'refresh',
      },
      T0 + MINUTE,
    );
    expect(r.state.tokens?.accessToken).toBe('access-C');
    expect(types(r.effects)).toEqual(['abortRefresh', 'emit:refreshed', 'settle', 'settle']);
    expect(r.effects[1]).toMatchObject({ event: { reason: 'remote' } });
  });
  it('adopt older tokens → ignored', () => {
    const s = active({ tokens: tokens(T0 + MINUTE, 'B') });
    const r = step(
      s,
      { type: 'adopt', tokens: tokens(T0, 'Z'), lastActivityAt: undefined, origin: 'refresh' },
      T0 + MINUTE,
    );
    expect(r.state).toBe(s);
  });
  it('adopt a refresh of a session that ended here → ignored; a new sign-in elsewhere → followed', () => {
    const ended: State = { ...signedOut, endedAt: T0 };
    const refreshInput: Input = {
      type: 'adopt',
      tokens: tokens(T0 + SECOND, 'D'),
      lastActivityAt: undefined,
      origin: 'refresh',
    };
    expect(step(ended, refreshInput, T0 + SECOND).state).toBe(ended);
    const r = step(ended, { ...refreshInput, origin: 'signIn' }, T0 + SECOND);
    expect(r.state.status).toBe('active');
    expect(r.effects[0]).toMatchObject({ event: { type: 'signedIn', remote: true } });
  });
  it('remoteActivity → the idle countdown restarts at that moment', () => {
    const r = step(
      active({}, sliding),
      { type: 'remoteActivity', at: T0 + 2 * MINUTE },
      T0 + 3 * MINUTE,
      sliding,
    );
    expect(r.state.idleDeadline).toBe(T0 + 17 * MINUTE);
    expect(r.effects).toEqual([]);
  });
  it('remoteEnd → ended here too, without revoking or announcing', () => {
    const r = step(
      active(),
      { type: 'remoteEnd', reason: 'invalid_grant', error: 'invalid_grant' },
      T0,
    );
    expect(r.state.status).toBe('expired');
    expect(types(r.effects)).toEqual(['clearStorageIfHeld', 'emit:expired', 'settle', 'settle']);
  });
  it('remoteEnd when signed out → ignored', () => {
    expect(
      step(signedOut, { type: 'remoteEnd', reason: undefined, error: undefined }, T0).effects,
    ).toEqual([]);
  });
});
