/**
 * Running the exchanges the reducer asks for: refreshes (under the cross-tab lock, with a
 * timeout, classified as success, failure or rejection) and revocations.
 */
import type { Clock } from '../clock.js';
import type { Coordinator } from '../coordination/types.js';
import type { DpopBinding } from '../dpop/binding.js';
import type { RefreshReason } from '../events.js';
import type { Log } from '../logger.js';
import type { Input, State } from '../machine/reduce.js';
import { sanitizeError } from '../redact.js';
import type { SessionStore } from '../storage/session-store.js';
import { parseTokenInput } from '../tokens/parse.js';
import { rotatedRefreshTokenOf } from '../tokens/read.js';
import { checkTokenType } from '../tokens/token-type.js';
import type { Tokens } from '../tokens/types.js';
import { classifyRefreshError, classifyRevokeError } from './refresh-outcome.js';
import type { RefreshFunction, RevokeContext, RevokeFunction } from './types.js';

export interface RefreshRunnerOptions {
  getState(): State;
  dispatch(input: Input): void;
  clock: Clock;
  refresh: RefreshFunction | undefined;
  revoke: RevokeFunction | undefined;
  /** Bounds each exchange (not the wait for another tab's lock). */
  timeout: number;
  coordinator: Coordinator | undefined;
  store: SessionStore;
  log: Log;
  /** The DPoP binding whose proofs token and revocation requests carry. */
  dpop: DpopBinding | undefined;
}

export interface RefreshRunner {
  run(seq: number, reason: RefreshReason): Promise<void>;
  abort(seq: number): void;
  abortAll(): void;
  revoke(tokens: Tokens, reason: RevokeContext['reason']): Promise<void>;
}

const secretsOf = (t: Tokens) => [t.accessToken, ...(t.refreshToken ? [t.refreshToken] : [])];

export function createRefreshRunner(o: RefreshRunnerOptions): RefreshRunner {
  const running = new Map<number, AbortController>();
  const adopt = (stored: { tokens: Tokens; lastActivityAt: number | undefined }) =>
    o.dispatch({
      type: 'adopt',
      tokens: stored.tokens,
      lastActivityAt: stored.lastActivityAt,
      origin: 'refresh',
    });

  async function settleFailure(
    seq: number,
    base: Tokens,
    error: unknown,
    timedOut: boolean,
  ): Promise<void> {
    // User code's errors (an HTTP client's dump) may quote the token: never pass that on.
    const outcome = classifyRefreshError(error, timedOut, (cause) =>
      sanitizeError(cause, secretsOf(base)),
    );
    if (outcome.type === 'failed') {
      o.log('warn', 'refresh failed', {
        kind: outcome.error.kind,
        status: outcome.error.status,
        seq,
      });
      const rotatedRefreshToken = rotatedRefreshTokenOf(error);
      o.dispatch({ type: 'refreshFailed', seq, error: outcome.error, rotatedRefreshToken });
      return;
    }
    // Before ending the session, look for newer tokens that another tab or process saved:
    // with rotation, their refresh made ours stale, and that is no reason to log out.
    const newer = await o.store.newerThan(base);
    if (newer && o.getState().status === 'active') {
      o.log('info', 'refresh rejected, newer tokens found in storage', {
        token: newer.tokens.fingerprint,
      });
      adopt(newer);
      return;
    }
    o.log('info', 'refresh rejected, session over', { error: outcome.error, seq });
    o.dispatch({ type: 'refreshRejected', seq, reason: outcome.reason, error: outcome.error });
  }

  async function run(seq: number, reason: RefreshReason): Promise<void> {
    const { tokens: base, generation: baseGeneration } = o.getState();
    const refresh = o.refresh;
    if (!refresh || !base) return;
    const controller = new AbortController();
    running.set(seq, controller);
    let timedOut = false;
    let timeout: unknown;
    const attempt = async (): Promise<void> => {
      // Another tab may have refreshed while this one waited for the lock.
      if (o.coordinator) {
        const newer = await o.store.newerThan(base);
        if (newer) {
          o.log('debug', 'refresh skipped, another tab refreshed', {
            token: newer.tokens.fingerprint,
          });
          return adopt(newer);
        }
      }
      // The timeout covers the exchange itself, not the wait for another tab's lock.
      timeout = o.clock.setTimeout(() => {
        timedOut = true;
        controller.abort();
        void settleFailure(seq, base, new Error('timeout'), true);
      }, o.timeout);
      o.log('debug', 'refresh started', { reason, seq, token: base.fingerprint });
      const answer = await refresh({
        refreshToken: base.refreshToken,
        accessToken: base.accessToken,
        signal: controller.signal,
        reason,
        ...(o.dpop ? { dpop: o.dpop } : {}),
      });
      const tokens = parseTokenInput(answer, o.clock.now(), { previous: base });
      checkTokenType(tokens, o.dpop);
      o.dispatch({ type: 'refreshSucceeded', seq, baseGeneration, reason, tokens });
      // Hold the lock until the tokens are stored: the next holder must find them.
      await o.store.settled();
    };
    try {
      await (o.coordinator ? o.coordinator.withRefreshLock(attempt, controller.signal) : attempt());
    } catch (error) {
      // Aborted on purpose (newer tokens adopted, signed out, disposed): nothing to report.
      if (!timedOut && !controller.signal.aborted) await settleFailure(seq, base, error, false);
    } finally {
      if (timeout !== undefined) o.clock.clearTimeout(timeout);
      running.delete(seq);
    }
  }

  async function revoke(tokens: Tokens, reason: RevokeContext['reason']): Promise<void> {
    if (!o.revoke) return;
    const controller = new AbortController();
    const timeout = o.clock.setTimeout(() => controller.abort(), o.timeout);
    try {
      await o.revoke({
        refreshToken: tokens.refreshToken,
        accessToken: tokens.accessToken,
        signal: controller.signal,
        reason,
        ...(o.dpop ? { dpop: o.dpop } : {}),
      });
      o.log('debug', 'tokens revoked at the server', { token: tokens.fingerprint, reason });
    } catch (error) {
      // The user is signed out here whatever the server said; say so where it can be seen:
      // a log line, and an event the app can act on (the grant may be alive at the server).
      const failure = classifyRevokeError(error, controller.signal.aborted);
      o.log('warn', 'revocation failed', {
        error: sanitizeError(error, secretsOf(tokens)),
        kind: failure.kind,
        status: failure.status,
        oauthError: failure.error,
        reason,
        token: tokens.fingerprint,
      });
      const event = {
        type: 'revokeFailed',
        reason,
        fingerprint: tokens.fingerprint,
        ...failure,
      } as const;
      o.dispatch({ type: 'revokeFailed', event });
    } finally {
      o.clock.clearTimeout(timeout);
    }
  }

  return {
    run,
    abort(seq) {
      running.get(seq)?.abort();
      running.delete(seq);
    },
    abortAll() {
      for (const controller of running.values()) controller.abort();
      running.clear();
    },
    revoke,
  };
}
