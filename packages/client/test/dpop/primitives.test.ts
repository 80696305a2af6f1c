/**
 * The DPoP building blocks against independent implementations: node:crypto for SHA-256 and
 * base64url, TextEncoder for UTF-8, jose for thumbprints and for verifying proofs.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { calculateJwkThumbprint, compactVerify, EmbeddedJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { accessTokenHash, createProof } from '../../src/dpop/proof.js';
import { sha256 } from '../../src/dpop/sha256.js';
import { jwkThumbprint } from '../../src/dpop/thumbprint.js';
import { webCryptoKeys } from '../../src/dpop/webcrypto-keys.js';
import { memoryStorage } from '../../src/storage/memory.js';
import {
  base64UrlToBytes,
  bytesToBase64Url,
  stringToUtf8,
  utf8ToString,
} from '../../src/tokens/base64url.js';

describe('DPoP primitives', () => {
  it('sha256 equals node:crypto for any input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const ours = Buffer.from(sha256(bytes)).toString('hex');
        expect(ours).toBe(createHash('sha256').update(bytes).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('base64url and UTF-8 round trip and equal Buffer and TextEncoder', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.string({ unit: 'grapheme' }),
        (bytes, text) => {
          expect(bytesToBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
          expect(base64UrlToBytes(bytesToBase64Url(bytes))).toEqual(bytes);
          expect(stringToUtf8(text)).toEqual(new TextEncoder().encode(text));
          expect(utf8ToString(stringToUtf8(text))).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('signs proofs jose verifies, with the RFC 9449 header and claims, and the RFC 7638 thumbprint', async () => {
    const keys = webCryptoKeys({ store: 'memory' });
    const signer = await keys.create('s');
    const proof = await createProof(signer, {
      htm: 'get',
      htu: 'https://api.example.com/orders?page=2#top',
      iat: 1_800_000_000,
      jti: 'jti-1',
      accessToken: 'at-123',
      nonce: 'n-1',
    });
    const { payload, protectedHeader } = await compactVerify(proof, EmbeddedJWK);
    expect(protectedHeader).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' });
    expect(protectedHeader.jwk).toEqual(signer.publicJwk);
    expect(protectedHeader.jwk).not.toHaveProperty('d');
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({
      jti: 'jti-1',
      htm: 'GET',
      htu: 'https://api.example.com/orders',
      iat: 1_800_000_000,
      ath: createHash('sha256').update('at-123').digest('base64url'),
      nonce: 'n-1',
    });
    expect(accessTokenHash('at-123')).toBe(
      createHash('sha256').update('at-123').digest('base64url'),
    );
    expect(jwkThumbprint(signer.publicJwk)).toBe(await calculateJwkThumbprint(signer.publicJwk));
  });

  it('keeps a key in a SessionStorage and deletes it; the private key is not readable from memory stores', async () => {
    const storage = memoryStorage();
    const keys = webCryptoKeys({ store: storage });
    const created = await keys.create('tokenkeeper.session');
    const loaded = await keys.load('tokenkeeper.session');
    expect(loaded?.publicJwk).toEqual(created.publicJwk);
    expect(await storage.get('tokenkeeper.session.dpop')).toContain('"d"');
    await keys.delete('tokenkeeper.session');
    expect(await keys.load('tokenkeeper.session')).toBeUndefined();
  });
});
