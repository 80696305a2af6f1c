import type { TokenResponse } from '../types.js';

/**
 * How a refresh ends, inside its transaction: a token response, or the reason for the
 * `invalid_grant` that the grant throws once the transaction has committed (so a reuse
 * revocation and its audit row stay).
 */
export type RefreshOutcome =
  | { readonly ok: true; readonly response: TokenResponse }
  | { readonly ok: false; readonly description: string };

/** A refresh that ends in `invalid_grant` with this description. */
export const refused = (description: string): RefreshOutcome => ({ ok: false, description });

/** A refresh that ends in this token response. */
export const granted = (response: TokenResponse): RefreshOutcome => ({ ok: true, response });
