/**
 * DPoP proofs (RFC 9449 §4): a JWT signed by the client's key, fresh for every request.
 */
import { bytesToBase64Url, stringToUtf8 } from '../tokens/base64url.js';
import { sha256 } from './sha256.js';
import type { DpopSigner } from './signer.js';

export interface ProofClaims {
  /** The request's method. */
  readonly htm: string;
  /** The request's URL; its query and fragment are dropped (RFC 9449 §4.2). */
  readonly htu: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  /** Unique per proof. */
  readonly jti: string;
  /** For resource requests: the access token the proof goes with (its hash becomes `ath`). */
  readonly accessToken?: string;
  /** The server's nonce, when it asked for one. */
  readonly nonce?: string;
}

/** `htu`: the URL without query and fragment. */
export function htuOf(url: string): string {
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : url.slice(0, cut);
}

/** `ath`: the base64url SHA-256 of the access token (RFC 9449 §4.2). */
export function accessTokenHash(accessToken: string): string {
  return bytesToBase64Url(sha256(stringToUtf8(accessToken)));
}

const encodeJson = (value: unknown) => bytesToBase64Url(stringToUtf8(JSON.stringify(value)));

/** A compact JWS: header `{typ: dpop+jwt, alg: ES256, jwk}`, the claims, the signature. */
export async function createProof(signer: DpopSigner, claims: ProofClaims): Promise<string> {
  const header = encodeJson({ typ: 'dpop+jwt', alg: signer.alg, jwk: signer.publicJwk });
  const payload = encodeJson({
    jti: claims.jti,
    htm: claims.htm.toUpperCase(),
    htu: htuOf(claims.htu),
    iat: claims.iat,
    ...(claims.accessToken === undefined ? {} : { ath: accessTokenHash(claims.accessToken) }),
    ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }),
  });
  const signingInput = `${header}.${payload}`;
  const signature = await signer.sign(stringToUtf8(signingInput));
  return `${signingInput}.${bytesToBase64Url(signature)}`;
}
