import { generateKeyPairSync, type KeyObject, randomUUID, sign, verify } from 'node:crypto';

/** ES256 access tokens for the reference server: `typ: at+jwt`, a `kid`, RFC 9068-ish claims. */
export interface AccessTokenKeys {
  readonly kid: string;
  readonly jwks: { keys: Record<string, unknown>[] };
  mint(claims: {
    iss: string;
    sub: string;
    sid: string;
    ttlSeconds: number;
    nowMs: number;
  }): string;
  /** The verified payload, or undefined for anything forged, malformed or expired. */
  check(token: string, nowMs: number): Record<string, unknown> | undefined;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function createAccessTokenKeys(): AccessTokenKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
  return {
    kid,
    jwks: { keys: [jwk] },
    mint({ iss, sub, sid, ttlSeconds, nowMs }) {
      const iat = Math.floor(nowMs / 1000);
      const input = `${b64({ alg: 'ES256', typ: 'at+jwt', kid })}.${b64({ iss, sub, sid, iat, exp: iat + ttlSeconds, jti: randomUUID() })}`;
      const signature = sign('sha256', Buffer.from(input), {
        key: privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      return `${input}.${signature.toString('base64url')}`;
    },
    check(token, nowMs) {
      return checkToken(token, nowMs, kid, publicKey);
    },
  };
}

function checkToken(token: string, nowMs: number, kid: string, publicKey: KeyObject) {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    if (header.alg !== 'ES256' || header.typ !== 'at+jwt' || header.kid !== kid) return undefined;
    const ok = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(parts[2]!, 'base64url'),
    );
    if (!ok) return undefined;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    return typeof payload.exp === 'number' && payload.exp * 1000 > nowMs ? payload : undefined;
  } catch {
    return undefined;
  }
}
