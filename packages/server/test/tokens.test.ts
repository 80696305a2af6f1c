import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, generateServerSecret, parseDuration, redact } from '../src/index.js';
import { parseServerSecret } from '../src/service/keys/server-secret.js';
import {
  generateSigningJwk,
  sealPrivateKey,
  unsealPrivateKey,
} from '../src/service/keys/signing-key.js';
import { hashPassword, verifyPassword } from '../src/service/password.js';
import {
  decodeRefreshToken,
  encodeRefreshToken,
  refreshMacRoot,
  refreshTokenMac,
} from '../src/service/tokens/refresh-token.js';

const familyId = '6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5';
const familySecret = Buffer.alloc(32, 7);

describe('refresh tokens', () => {
  const root = refreshMacRoot(parseServerSecret(generateServerSecret()));

  it('round-trips and carries a 256-bit MAC', () => {
    const mac = refreshTokenMac(root, familyId, familySecret, 42);
    const token = encodeRefreshToken({ familyId, generation: 42, mac });
    expect(token).toMatch(/^tkr1\.[A-Za-z0-9_-]{22}\.42\.[A-Za-z0-9_-]{43}$/);
    expect(decodeRefreshToken(token)).toEqual({ familyId, generation: 42, mac });
  });

  it('depends on the server secret, the family secret, the family and the generation', () => {
    const base = refreshTokenMac(root, familyId, familySecret, 1);
    const otherRoot = refreshMacRoot(parseServerSecret(generateServerSecret()));
    expect(refreshTokenMac(otherRoot, familyId, familySecret, 1)).not.toEqual(base);
    expect(refreshTokenMac(root, familyId, Buffer.alloc(32, 8), 1)).not.toEqual(base);
    expect(refreshTokenMac(root, familyId.replace('6f', '7f'), familySecret, 1)).not.toEqual(base);
    expect(refreshTokenMac(root, familyId, familySecret, 2)).not.toEqual(base);
    // Re-derivation (the grace replay) is deterministic.
    expect(refreshTokenMac(root, familyId, familySecret, 1)).toEqual(base);
  });

  it('decodes only canonical tokens (one spelling per token)', () => {
    const mac = refreshTokenMac(root, familyId, familySecret, 3);
    const token = encodeRefreshToken({ familyId, generation: 3, mac });
    const bad = [
      token.replace('.3.', '.03.'),
      token.replace('.3.', '.0.'),
      `${token}=`,
      token.replace('tkr1', 'tkr2'),
      ` ${token}`,
      token.slice(0, -1),
      '',
    ];
    for (const candidate of bad) expect(decodeRefreshToken(candidate), candidate).toBeNull();
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        const parts = decodeRefreshToken(text);
        if (parts) expect(encodeRefreshToken(parts)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

describe('keys', () => {
  it('refuses short server secrets', () => {
    expect(() => parseServerSecret('short')).toThrow(/at least 32 bytes/);
    expect(parseServerSecret(generateServerSecret()).length).toBeGreaterThanOrEqual(32);
  });

  it('seals signing keys so only the same server secret opens them', async () => {
    const secret = parseServerSecret(generateServerSecret());
    const { kid, privateJwk } = await generateSigningJwk();
    const sealed = sealPrivateKey(secret, kid, privateJwk);
    expect(sealed.toString('utf8')).not.toContain(String(privateJwk.d));
    expect(unsealPrivateKey(secret, kid, sealed)).toEqual(privateJwk);
    expect(() => unsealPrivateKey(parseServerSecret(generateServerSecret()), kid, sealed)).toThrow(
      /server secret differs/,
    );
    expect(() => unsealPrivateKey(secret, 'other-kid', sealed)).toThrow(/server secret differs/);
  });
});

describe('passwords', () => {
  it('hashes with scrypt and verifies in constant time', async () => {
    const params = { N: 1024, r: 8, p: 1 };
    const hash = await hashPassword('pässword', params);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('pässword', hash)).toBe(true);
    // NFKC: the decomposed spelling is the same password.
    expect(await verifyPassword('pa\u0308ssword', hash)).toBe(true);
    expect(await verifyPassword('password', hash)).toBe(false);
    await expect(verifyPassword('x', 'md5$abc')).rejects.toThrow(/format/);
  });
});

describe('durations and redaction', () => {
  it('reads 30s, 15m, 90d, 1h30m and 0; refuses the rest with the flag name', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('90d')).toBe(90 * 86_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('0')).toBe(0);
    for (const bad of ['', '10', '-5s', '1.5h', '5 m', '3w', 'soon']) {
      expect(() => parseDuration(bad, '--idle-timeout'), bad).toThrow(/--idle-timeout/);
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });

  it('removes anything token-shaped from log text', () => {
    const line = 'failed for tkr1.AAAA.3.BBBB and eyJhbGciOi.eyJzdWIi.c2ln in request';
    expect(redact(line)).toBe('failed for [redacted] and [redacted] in request');
  });
});
