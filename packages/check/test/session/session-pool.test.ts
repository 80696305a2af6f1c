import { describe, expect, it } from 'vitest';
import type { AuditHttp, HttpRequest } from '../../src/http/http-client.js';
import { createSecretRegistry } from '../../src/secrets/secret-registry.js';
import type { CommandRunner } from '../../src/session/login.js';
import { createSessionPool, SIGN_OUT_PER_SESSION } from '../../src/session/session-pool.js';
import type { Target } from '../../src/target/target.js';

const target: Target = {
  tokenEndpoint: 'https://as.example/token',
  login: { kind: 'command', command: 'login' },
  revocationEndpoint: 'https://as.example/revoke',
  client: { auth: 'none' },
};

/** A login command that mints numbered tokens, and an HTTP fake that answers revocations. */
function fakes(revokeStatus = 200) {
  let minted = 0;
  const runCommand: CommandRunner = async () => {
    minted++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return {
      code: 0,
      stdout: JSON.stringify({
        access_token: `access-${minted}-xxxxxxxx`,
        refresh_token: `refresh-${minted}-xxxxxxxx`,
        expires_in: 60,
      }),
    };
  };
  const revoked: string[] = [];
  const send = async (request: HttpRequest) => {
    revoked.push(new URLSearchParams(request.body).get('token')!);
    return { request, status: revokeStatus, headers: new Headers(), text: '', ms: 1 };
  };
  const http: AuditHttp = {
    send,
    burst: (rs) => Promise.all(rs.map(send)),
    count: 0,
    limit: () => {},
  };
  return { runCommand, http, revoked };
}

function pool(maxSessions: number, f: ReturnType<typeof fakes>, over: Partial<Target> = {}) {
  const secrets = createSecretRegistry();
  const created = createSessionPool({
    http: f.http,
    target: { ...target, ...over },
    secrets,
    maxSessions,
    runCommand: f.runCommand,
    now: Date.now,
    commandTimeoutMs: 1000,
  });
  return { pool: created, secrets };
}

describe('the session pool', () => {
  it('opens at most --max-sessions, with distinct labels even when opened together', async () => {
    const f = fakes();
    const { pool: sessions, secrets } = pool(3, f);
    await sessions.warmUp();
    const opened = await Promise.allSettled([
      sessions.open(),
      sessions.open(),
      sessions.open(),
      sessions.open(),
    ]);
    const labels = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value.label] : []));
    expect(labels.sort()).toEqual(['session 1', 'session 2', 'session 3']);
    const refused = opened.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(String(refused.reason)).toMatch(/--max-sessions 3 reached/);
    expect(sessions.opened).toBe(3);
    expect(secrets.has('access-1-xxxxxxxx')).toBe(true);
  });

  it('signs every session out through the revocation endpoint, newest refresh token first', async () => {
    const f = fakes();
    const { pool: sessions } = pool(2, f);
    await sessions.open();
    await sessions.open();
    expect(await sessions.signOutAll()).toEqual({ sessions: 2, signedOut: 2 });
    expect(f.revoked.sort()).toEqual(['refresh-1-xxxxxxxx', 'refresh-2-xxxxxxxx']);
    expect(SIGN_OUT_PER_SESSION).toBeGreaterThan(1);
  });

  it('says so when sessions could not be signed out', async () => {
    const failing = fakes(503);
    const { pool: a } = pool(1, failing);
    await a.open();
    expect(await a.signOutAll()).toEqual({
      sessions: 1,
      signedOut: 0,
      note: '1 session(s) could not be revoked',
    });

    const none = fakes();
    const { pool: b } = pool(1, none, { revocationEndpoint: undefined });
    await b.open();
    expect((await b.signOutAll()).note).toBe(
      'no revocation endpoint: the sessions end when their tokens expire',
    );
    expect(none.revoked).toEqual([]);
  });
});
