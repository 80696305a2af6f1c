import { describe, expect, it } from 'vitest';
import { judgeBadAnswer } from '../../src/checks/bad-input.js';
import { badBearers, badPosts, showsStackTrace } from '../../src/checks/bad-requests.js';
import { judgeBurst } from '../../src/checks/concurrent-refresh.js';
import { judgeErrorAnswer } from '../../src/checks/error-format.js';
import { tamper } from '../../src/checks/swallowed-errors.js';
import type { HttpExchange } from '../../src/http/http-client.js';

function answer(status: number, body: unknown, type = 'application/json'): HttpExchange {
  return {
    request: { method: 'POST', url: 'http://127.0.0.1/oauth/token' },
    status,
    headers: new Headers({ 'content-type': type }),
    text: typeof body === 'string' ? body : JSON.stringify(body),
    ms: 1,
  };
}

describe('error-format judgement (RFC 6749 §5.2)', () => {
  it('passes 400 with the expected code in JSON', () => {
    expect(judgeErrorAnswer(answer(400, { error: 'invalid_grant' }), 'invalid_grant').verdict).toBe(
      'pass',
    );
  });

  it('fails a 5xx, a 2xx, a body that is not JSON, and a missing error member', () => {
    expect(judgeErrorAnswer(answer(500, { error: 'server_error' }), 'invalid_grant').verdict).toBe(
      'fail',
    );
    expect(judgeErrorAnswer(answer(200, { access_token: 'x' }), 'invalid_grant').verdict).toBe(
      'fail',
    );
    expect(
      judgeErrorAnswer(answer(400, 'Bad Request', 'text/plain'), 'invalid_grant').verdict,
    ).toBe('fail');
    expect(judgeErrorAnswer(answer(400, { message: 'nope' }), 'invalid_grant').verdict).toBe(
      'fail',
    );
  });

  it('blames the client credentials for 401 invalid_client', () => {
    const judged = judgeErrorAnswer(answer(401, { error: 'invalid_client' }), 'invalid_grant');
    expect(judged.verdict).toBe('fail');
    expect(judged.note).toMatch(/--client-id/);
  });

  it('warns for another code, another 4xx, or JSON without a JSON media type', () => {
    expect(
      judgeErrorAnswer(answer(400, { error: 'invalid_request' }), 'invalid_grant').verdict,
    ).toBe('warn');
    expect(judgeErrorAnswer(answer(401, { error: 'invalid_grant' }), 'invalid_grant').verdict).toBe(
      'warn',
    );
    expect(
      judgeErrorAnswer(answer(400, { error: 'invalid_grant' }, 'text/plain'), 'invalid_grant')
        .verdict,
    ).toBe('warn');
  });
});

describe('bad-input judgement', () => {
  const canary = 'tkcheck-canary-0123456789abcdef';

  it('fails 5xx, stack traces and echoed secrets', () => {
    expect(judgeBadAnswer('token', answer(502, ''), canary).verdict).toBe('fail');
    expect(
      judgeBadAnswer(
        'token',
        answer(400, 'TypeError: x\n    at parse (/srv/app/body.js:12:7)'),
        canary,
      ).verdict,
    ).toBe('fail');
    expect(
      judgeBadAnswer(
        'login',
        answer(400, { error: 'invalid_request', error_description: `bad ${canary}` }),
        canary,
      ).verdict,
    ).toBe('fail');
  });

  it('fails tokens for a malformed request and an accepted malformed bearer', () => {
    expect(judgeBadAnswer('login', answer(200, { access_token: 'a' }), canary).verdict).toBe(
      'fail',
    );
    expect(judgeBadAnswer('resource', answer(200, { sub: 'x' }), canary).verdict).toBe('fail');
  });

  it('lets revocation answer 200 (RFC 7009) and warns other 2xx', () => {
    expect(judgeBadAnswer('revocation', answer(200, ''), canary).verdict).toBe('pass');
    expect(judgeBadAnswer('token', answer(204, ''), canary).verdict).toBe('warn');
    expect(judgeBadAnswer('token', answer(415, { error: 'invalid_request' }), canary).verdict).toBe(
      'pass',
    );
  });
});

describe('the malformed requests', () => {
  it('carry the canary where the secret goes, eight per POST endpoint', () => {
    for (const kind of ['token', 'login', 'revocation'] as const) {
      const cases = badPosts(kind, 'CANARY');
      expect(cases).toHaveLength(8);
      expect(cases.filter((c) => c.body?.includes('CANARY')).length).toBeGreaterThanOrEqual(5);
    }
    expect(
      badPosts('token', 'x').find((c) => c.name === 'a 64 KiB value')!.body!.length,
    ).toBeGreaterThan(65_536);
    expect(badBearers('CANARY')).toHaveLength(4);
  });

  it('spots stack traces of the usual runtimes, not ordinary errors', () => {
    expect(showsStackTrace('Error: boom\n    at Object.<anonymous> (/app/index.js:3:9)')).toBe(
      true,
    );
    expect(showsStackTrace('Traceback (most recent call last):\n  File "app.py"')).toBe(true);
    expect(showsStackTrace('ERROR: syntax error at or near "("')).toBe(true);
    expect(
      showsStackTrace(
        '{"error":"invalid_request","error_description":"the body is not valid JSON"}',
      ),
    ).toBe(false);
  });
});

describe('tampering', () => {
  it('changes the last characters and keeps the length', () => {
    const token = 'tkr1.family.3.ABCDEFGH';
    const tampered = tamper(token);
    expect(tampered).not.toBe(token);
    expect(tampered).toHaveLength(token.length);
    expect(tampered.slice(0, -4)).toBe(token.slice(0, -4));
    expect(tamper('AAAA')).toBe('BBBB');
  });
});

describe('concurrent-refresh judgement', () => {
  it('fails two live successors, warns a burst that ended the session or had 5xx', () => {
    expect(judgeBurst({ n: 10, accepted: 10, live: 2, serverErrors: 0 }).verdict).toBe('fail');
    expect(judgeBurst({ n: 10, accepted: 1, live: 0, serverErrors: 0 })).toEqual({
      verdict: 'warn',
      finding:
        'the burst ended the session: a client that refreshes in parallel (tabs, requests) is signed out',
    });
    expect(judgeBurst({ n: 10, accepted: 9, live: 1, serverErrors: 1 }).verdict).toBe('warn');
  });

  it('passes one live successor, however many were refused', () => {
    expect(judgeBurst({ n: 10, accepted: 10, live: 1, serverErrors: 0 }).finding).toBe(
      'all 10 got the same successor',
    );
    expect(judgeBurst({ n: 10, accepted: 1, live: 1, serverErrors: 0 }).finding).toBe(
      'one successor; the 9 refusals left the session alive',
    );
  });
});
