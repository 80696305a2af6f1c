/**
 * What every contender in the storm and steady-state benchmarks is: an HTTP client that
 * carries a bearer token, meets 401s, and refreshes through the token endpoint in its own way.
 */
import type { Clock } from 'tokenkeeper';

/** An RFC 6749 token response, as the token server's login answers it. */
export interface IssuedTokens {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
  readonly token_type?: string;
}

export interface ContenderSetup {
  /** Tokens from a login; the contender starts signed in with them. */
  readonly tokens: IssuedTokens;
  /** `POST` here with `grant_type=refresh_token` (RFC 6749 §6). */
  readonly tokenEndpoint: string;
  /** Origin of the protected API (receives the bearer token). */
  readonly apiOrigin: string;
  /** Transport for API and refresh calls. @default globalThis.fetch / axios' Node http adapter */
  readonly fetch?: typeof fetch;
  /** Time and timers (a virtual clock in the steady-state benchmark). @default the system's */
  readonly clock?: Clock;
}

export interface Contender {
  /** GETs `url`; resolves to the final HTTP status, 0 when the call threw without one. */
  get(url: string): Promise<number>;
  dispose(): void;
}

export type ContenderFactory = (setup: ContenderSetup) => Promise<Contender>;

/** The refresh-token grant body every contender sends. */
export function refreshForm(refreshToken: string): URLSearchParams {
  return new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
}

export const FORM = 'application/x-www-form-urlencoded';
