import { describe, expect, it } from 'vitest';
import type { HttpExchange } from '../../src/http/http-client.js';
import { fingerprint } from '../../src/secrets/fingerprint.js';
import { classifyRefresh, describeOutcome } from '../../src/session/refresh-outcome.js';

const exchange = (status: number, body: unknown): HttpExchange => ({
  request: { method: 'POST', url: 'http://127.0.0.1/token' },
  status,
  headers: new Headers(),
  text: JSON.stringify(body),
  ms: 12.4,
});

describe('classifying a refresh answer', () => {
  const seen = new Set([fingerprint('A0')]);

  it('fresh: 2xx with an access token the session never had', () => {
    const outcome = classifyRefresh(
      exchange(200, { access_token: 'A1', refresh_token: 'R1' }),
      seen,
    );
    expect(outcome.kind).toBe('fresh');
    expect(outcome.tokens?.refreshToken).toBe('R1');
  });

  it('stale: 2xx handing back an access token issued before (a swallowed failure)', () => {
    expect(classifyRefresh(exchange(200, { access_token: 'A0' }), seen).kind).toBe('stale');
  });

  it('malformed: 2xx without an access token; refused: anything else, with its error code', () => {
    expect(classifyRefresh(exchange(200, { ok: true }), seen).kind).toBe('malformed');
    const refused = classifyRefresh(exchange(400, { error: 'invalid_grant' }), seen);
    expect(refused).toMatchObject({ kind: 'refused', status: 400, error: 'invalid_grant' });
    expect(describeOutcome(refused)).toBe('400 invalid_grant in 12 ms');
  });
});
