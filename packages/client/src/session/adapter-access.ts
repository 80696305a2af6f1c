/**
 * What tokenkeeper's own adapters may ask of a session beyond its public methods: reading the
 * token without it counting as the user's activity, and reading it synchronously.
 *
 * Why a separate door: `getAccessToken()` is a read for an API call and restarts the idle
 * countdown of a sliding session, but a socket reconnecting on its own after a refresh is no
 * sign that the user is there; counting it would keep an idle session alive for as long as a
 * feed is open. And axios' synchronous interceptors need the token without a promise.
 *
 * The door is a property under a global-registry symbol, so a session made by one copy of
 * tokenkeeper (its ESM or its CommonJS build, or a duplicate install) serves the adapters of
 * another. A session object that lacks it (a test double implementing {@link Session}) still
 * works: the adapters fall back to the public methods.
 */
import type { Session } from './types.js';

/** How the adapters authorize requests of a DPoP session. */
export interface DpopAccess {
  /** The headers for a request with `token`: its scheme, and a proof for this method and URL. */
  authorize(method: string, url: string, token: string): Promise<Record<string, string>>;
  /** Reads a response's `DPoP-Nonce`; true when it is new (a refused proof may pass with it). */
  observe(
    url: string,
    headers: { get(name: string): string | null | undefined } | undefined,
  ): boolean;
}

/** The key of {@link AdapterAccess} on a session. Versioned: a change of shape is a new key. */
export const ADAPTER_ACCESS: unique symbol = Symbol.for('tokenkeeper.adapterAccess.v1');

/** The adapters' door into a session. Not for application code. */
export interface AdapterAccess {
  /** DPoP sessions only: what authorizes a request (`Authorization: DPoP` and a proof). */
  readonly dpop?: DpopAccess;
  /** Like `getAccessToken()`, without restarting the idle countdown. */
  backgroundToken(): Promise<string>;
  /**
   * The token at once when `getAccessToken()` would resolve to it without a decision, else
   * undefined (then wait with `backgroundToken`). Counts as activity, like `getAccessToken()`.
   */
  peekToken(): string | undefined;
}

/** A session that may carry the adapters' door. */
export type AccessibleSession = Session & { readonly [ADAPTER_ACCESS]?: AdapterAccess };

/** The session's token for a background (re)connect, not counted as activity. */
export function backgroundAccessToken(session: Session): Promise<string> {
  const access = (session as AccessibleSession)[ADAPTER_ACCESS];
  return access ? access.backgroundToken() : session.getAccessToken();
}

/**
 * The token at once when it needs no decision, else undefined; counts as activity either way.
 */
export function peekAccessToken(session: Session): string | undefined {
  const access = (session as AccessibleSession)[ADAPTER_ACCESS];
  if (access) return access.peekToken();
  session.markActivity();
  return undefined;
}

/** How to authorize requests of a DPoP session; undefined for a bearer session. */
export function dpopAccessOf(session: Session): DpopAccess | undefined {
  return (session as AccessibleSession)[ADAPTER_ACCESS]?.dpop;
}
