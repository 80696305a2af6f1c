import { createHmac, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeJwt,
  forgeUnsigned,
  forgeWithPublicKey,
  isSymmetricAlg,
} from '../../src/checks/jwt.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = `${b64({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })}.${b64({ sub: 'alice', exp: 2 })}.c2ln`;

describe('JWT decoding', () => {
  it('reads the header and payload of a compact JWS', () => {
    expect(decodeJwt(token)).toEqual({
      header: { alg: 'ES256', typ: 'at+jwt', kid: 'k1' },
      payload: { sub: 'alice', exp: 2 },
    });
  });

  it('takes opaque tokens for what they are', () => {
    expect(decodeJwt('tkr1.abc.3.def')).toBeUndefined();
    expect(decodeJwt('a.b.c')).toBeUndefined();
    expect(decodeJwt(`${b64({ typ: 'JWT' })}.${b64({})}.x`)).toBeUndefined(); // no alg
    expect(decodeJwt('')).toBeUndefined();
  });

  it('knows HMAC algorithms', () => {
    expect(isSymmetricAlg('HS256')).toBe(true);
    expect(isSymmetricAlg('ES256')).toBe(false);
  });
});

describe('forged tokens', () => {
  const jwt = decodeJwt(token)!;

  it('alg none keeps the claims and drops the signature', () => {
    const forged = forgeUnsigned(jwt);
    expect(forged.endsWith('.')).toBe(true);
    expect(decodeJwt(forged)?.header.alg).toBe('none');
    expect(decodeJwt(forged)?.payload).toEqual(jwt.payload);
  });

  it('HS256 keyed by the PEM of the public JWK verifies as a naive verifier would', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', d: 'must-not-be-used' };
    const forged = forgeWithPublicKey(jwt, jwk)!;
    const [header, payload, signature] = forged.split('.');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url')).toBe(
      signature,
    );
    expect(decodeJwt(forged)?.header.alg).toBe('HS256');
  });

  it('gives up on a key it cannot read', () => {
    expect(forgeWithPublicKey(jwt, { kty: 'nonsense' })).toBeUndefined();
  });
});
