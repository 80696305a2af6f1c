import { TokenResponseError } from '../errors.js';
import type { Tokens } from './types.js';

/**
 * Refuses tokens whose type does not fit the session: DPoP-bound tokens without a binding, or
 * bearer tokens from a server that ignored the proof (unless the binding allows it).
 */
export function checkTokenType(
  tokens: Tokens,
  binding: { readonly allowBearerDowngrade: boolean } | undefined,
): void {
  if (tokens.tokenType === 'DPoP' && !binding) {
    throw new TokenResponseError(
      'invalid_token_type',
      'The server answered DPoP-bound tokens, but this session has no dpop option',
    );
  }
  if (tokens.tokenType === 'Bearer' && binding && !binding.allowBearerDowngrade) {
    throw new TokenResponseError(
      'token_type_downgrade',
      'The server answered bearer tokens to a DPoP request (dpopKey({ allowBearerDowngrade: true }) accepts them)',
    );
  }
}
