import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/secrets/fingerprint.js';
import { createSecretRegistry } from '../../src/secrets/secret-registry.js';

describe('fingerprints', () => {
  it('are # and 8 hex digits of SHA-256', () => {
    expect(fingerprint('token')).toBe(
      `#${createHash('sha256').update('token').digest('hex').slice(0, 8)}`,
    );
    expect(fingerprint('token')).toMatch(/^#[0-9a-f]{8}$/);
  });
});

describe('the secret registry', () => {
  it('blanks every registered secret of 8 characters or more, the longest first', () => {
    const secrets = createSecretRegistry();
    secrets.add('eyJhbGciOi.payload.sig');
    secrets.add('eyJhbGciOi');
    secrets.add('short');
    secrets.add(undefined);
    expect(secrets.scrub('a eyJhbGciOi.payload.sig b eyJhbGciOi c short')).toBe(
      'a [redacted] b [redacted] c short',
    );
    expect(secrets.size).toBe(3);
    expect(secrets.has('short')).toBe(true);
  });
});
