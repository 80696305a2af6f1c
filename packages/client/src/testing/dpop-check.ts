/**
 * The scripted token endpoint's side of DPoP (RFC 9449): checks a proof as a server would.
 * For tests: it verifies the signature with WebCrypto, the claims, freshness and replay.
 */
import { accessTokenHash, htuOf } from '../dpop/proof.js';
import type { EcPublicJwk } from '../dpop/signer.js';
import { jwkThumbprint } from '../dpop/thumbprint.js';
import { base64UrlToBytes, stringToUtf8, utf8ToString } from '../tokens/base64url.js';

export interface CheckedProof {
  /** The thumbprint of the proof's key. */
  readonly jkt: string;
  readonly nonce: string | undefined;
}

/** Why a proof was refused: the message is the `error_description`. */
export class ProofError extends Error {}

function decodeJson(part: string | undefined): Record<string, unknown> {
  if (!part) throw new ProofError('malformed proof');
  const value: unknown = JSON.parse(utf8ToString(base64UrlToBytes(part)));
  if (typeof value !== 'object' || value === null) throw new ProofError('malformed proof');
  return value as Record<string, unknown>;
}

export async function checkProof(
  proof: string | null,
  expected: { htm: string; htu: string; now: number; accessToken?: string },
  seen: Set<string>,
): Promise<CheckedProof> {
  if (!proof) throw new ProofError('DPoP proof required');
  const [h, p, s] = proof.split('.');
  const header = decodeJson(h);
  const claims = decodeJson(p);
  const jwk = header.jwk as EcPublicJwk | undefined;
  if (header.typ !== 'dpop+jwt' || header.alg !== 'ES256' || jwk?.kty !== 'EC' || 'd' in jwk) {
    throw new ProofError('unsupported proof header');
  }
  const key = await crypto.subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  const valid = await crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    base64UrlToBytes(s ?? '') as Uint8Array<ArrayBuffer>,
    stringToUtf8(`${h}.${p}`) as Uint8Array<ArrayBuffer>,
  );
  if (!valid) throw new ProofError('proof signature invalid');
  if (claims.htm !== expected.htm || claims.htu !== htuOf(expected.htu)) {
    throw new ProofError('proof is for another request');
  }
  const iat = typeof claims.iat === 'number' ? claims.iat * 1000 : Number.NaN;
  if (!(Math.abs(expected.now - iat) <= 60_000)) throw new ProofError('proof is not fresh');
  if (typeof claims.jti !== 'string' || seen.has(claims.jti)) {
    throw new ProofError('proof replayed');
  }
  seen.add(claims.jti);
  if (expected.accessToken !== undefined && claims.ath !== accessTokenHash(expected.accessToken)) {
    throw new ProofError('proof is for another access token');
  }
  return {
    jkt: jwkThumbprint(jwk),
    nonce: typeof claims.nonce === 'string' ? claims.nonce : undefined,
  };
}
