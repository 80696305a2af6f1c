import { bytesToBase64Url, stringToUtf8 } from '../tokens/base64url.js';
import { sha256 } from './sha256.js';
import type { EcPublicJwk } from './signer.js';

/**
 * The RFC 7638 thumbprint of an EC public key (SHA-256, base64url): what a server binds the
 * tokens to (`cnf.jkt`, RFC 9449 §6).
 */
export function jwkThumbprint(jwk: EcPublicJwk): string {
  // The required members in lexicographic order, no whitespace (RFC 7638 §3.2).
  const canonical = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`;
  return bytesToBase64Url(sha256(stringToUtf8(canonical)));
}
