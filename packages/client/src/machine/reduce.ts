/**
 * The pure core of a session: `(state, input, env) -> { state, effects }`. Every input (timer,
 * 401, activity, app resumed, other tab refreshed, refresh settled) goes through `reduce`; the
 * runtime (session.ts) performs the effects. Nothing here reads a clock or touches I/O.
 */
import { decide } from './decide.js';
import { evaluate } from './evaluate.js';
import {
  onActivity,
  onOnline,
  onPause,
  onRelease,
  onRemoteActivity,
  onResume,
  onRetain,
} from './presence-inputs.js';
import {
  onDemand,
  onExtend,
  onRefreshFailed,
  onRefreshRejected,
  onRefreshSucceeded,
  onUnauthorized,
} from './refresh-inputs.js';
import type { Fx } from './rules.js';
import {
  onAdopt,
  onRemoteEnd,
  onRestored,
  onRestoreFailed,
  onSignIn,
  onSignOut,
} from './session-inputs.js';
import type { Effect, Env, Input, MachineConfig, Result, State } from './state.js';
import type { StepContext } from './step.js';

export { type Decision, decide, servable } from './decide.js';
export { nextWakeAt } from './evaluate.js';
export { inUse, tokenUsable } from './rules.js';
export {
  type Effect,
  type Env,
  type Input,
  initialState,
  type MachineConfig,
  type Outcome,
  type RefreshState,
  type Result,
  type State,
  type Status,
} from './state.js';

function apply(ctx: StepContext, s: State, input: Input): State {
  switch (input.type) {
    case 'restored':
      return onRestored(ctx, s, input);
    case 'restoreFailed':
      return onRestoreFailed(ctx, s, input);
    case 'signIn':
      return onSignIn(ctx, s, input);
    case 'signOut':
      return onSignOut(ctx, s, input);
    case 'remoteEnd':
      return onRemoteEnd(ctx, s, input);
    case 'adopt':
      return onAdopt(ctx, s, input);
    case 'tick':
      return s; // nothing but time: evaluate() decides
    case 'demand':
      return onDemand(ctx, s);
    case 'unauthorized':
      return onUnauthorized(ctx, s, input);
    case 'extend':
      return onExtend(ctx, s);
    case 'refreshSucceeded':
      return onRefreshSucceeded(ctx, s, input);
    case 'refreshFailed':
      return onRefreshFailed(ctx, s, input);
    case 'refreshRejected':
      return onRefreshRejected(ctx, s, input);
    case 'activity':
      return onActivity(ctx, s);
    case 'remoteActivity':
      return onRemoteActivity(ctx, s, input);
    case 'pause':
      return onPause(ctx, s);
    case 'resume':
      return onResume(ctx, s);
    case 'online':
      return onOnline(ctx, s, input);
    case 'retain':
      return onRetain(ctx, s);
    case 'release':
      return onRelease(ctx, s);
    case 'revokeFailed':
      ctx.fx.push({ type: 'emit', event: input.event });
      return s;
  }
}

/**
 * One step: applies `input` at `env.now`, re-reads the clock (`evaluate`), and returns the new
 * state with the effects to perform, in order. Callers waiting for a token are answered from
 * the state the step ends in (a refresh that `evaluate` starts makes them wait for it).
 */
export function reduce(config: MachineConfig, state: State, input: Input, env: Env): Result {
  const fx: Fx = [];
  const applied = apply({ config, env, fx, now: env.now }, state, input);
  const next = evaluate(config, applied, env, fx);
  const effects: Effect[] = [];
  let answered = false;
  for (const effect of fx) {
    if (effect.type !== 'answer') {
      effects.push(effect);
      continue;
    }
    if (answered) continue;
    answered = true;
    const decision = decide(config, next, env.now);
    if (decision === 'wait') continue;
    effects.push({ type: 'settle', who: 'token', outcome: decision });
    if (fx.some((e) => e.type === 'answer' && e.who === 'all')) {
      effects.push({ type: 'settle', who: 'refresh', outcome: decision });
    }
  }
  return { state: next, effects };
}
