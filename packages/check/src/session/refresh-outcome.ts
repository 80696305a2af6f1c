import type { HttpExchange } from '../http/http-client.js';
import { parseErrorBody, parseTokenResponse, type TokenSet } from '../http/token-response.js';
import { fingerprint } from '../secrets/fingerprint.js';

/**
 * What a refresh attempt amounted to:
 * - `fresh`: 2xx with an access token never seen before in this session (a working refresh);
 * - `stale`: 2xx, but with an access token the session already had: no new tokens were minted,
 *   so whatever failed was answered as a success (seed 003, cause 1);
 * - `malformed`: 2xx without an access token;
 * - `refused`: any other status.
 */
export type RefreshKind = 'fresh' | 'stale' | 'malformed' | 'refused';

export interface RefreshOutcome {
  readonly kind: RefreshKind;
  readonly status: number;
  readonly ms: number;
  /** The `error` code of a refusal, when the body had one. */
  readonly error?: string;
  readonly tokens?: TokenSet;
  readonly exchange: HttpExchange;
}

/** Classifies an answer to a refresh request. `seenAccess`: fingerprints of earlier access tokens. */
export function classifyRefresh(
  exchange: HttpExchange,
  seenAccess: ReadonlySet<string>,
): RefreshOutcome {
  const base = { status: exchange.status, ms: exchange.ms, exchange };
  if (exchange.status < 200 || exchange.status > 299) {
    const { error } = parseErrorBody(exchange.text);
    return { kind: 'refused', ...base, ...(error ? { error } : {}) };
  }
  const tokens = parseTokenResponse(exchange.text);
  if (!tokens) return { kind: 'malformed', ...base };
  const kind = seenAccess.has(fingerprint(tokens.accessToken)) ? 'stale' : 'fresh';
  return { kind, ...base, tokens };
}

/** True when the attempt produced tokens the client could go on with. */
export const isAccepted = (outcome: RefreshOutcome): boolean =>
  outcome.kind === 'fresh' || outcome.kind === 'stale';

/** "200 in 12 ms", "400 invalid_grant in 3 ms": a status line for evidence. */
export function describeOutcome(outcome: RefreshOutcome): string {
  const code = outcome.error ? ` ${outcome.error}` : '';
  const what =
    outcome.kind === 'stale'
      ? ' (tokens issued before, nothing new)'
      : outcome.kind === 'malformed'
        ? ' (no access_token in the body)'
        : '';
  return `${outcome.status}${code}${what} in ${Math.round(outcome.ms)} ms`;
}
