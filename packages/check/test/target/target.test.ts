import { describe, expect, it } from 'vitest';
import type { AuditHttp, HttpRequest } from '../../src/http/http-client.js';
import { DiscoveryError, metadataUrls } from '../../src/target/discovery.js';
import { isCleartextRemote, isLoopbackHost } from '../../src/target/loopback.js';
import { resolveTarget } from '../../src/target/resolve-target.js';

/** An AuditHttp that answers from a table of URLs (404 otherwise) and records what was asked. */
function cannedHttp(pages: Record<string, unknown>): AuditHttp & { asked: string[] } {
  const asked: string[] = [];
  const send = async (request: HttpRequest) => {
    asked.push(request.url);
    const page = pages[request.url];
    return {
      request,
      status: page ? 200 : 404,
      headers: new Headers(),
      text: page ? JSON.stringify(page) : '',
      ms: 1,
    };
  };
  return { asked, send, burst: (rs) => Promise.all(rs.map(send)), count: 0, limit: () => {} };
}

describe('metadata locations', () => {
  it('put RFC 8414 well-known before the path and OIDC after it', () => {
    expect(metadataUrls('https://as.example/tenant/')).toEqual([
      'https://as.example/.well-known/oauth-authorization-server/tenant',
      'https://as.example/tenant/.well-known/openid-configuration',
    ]);
    expect(metadataUrls('https://as.example')[0]).toBe(
      'https://as.example/.well-known/oauth-authorization-server',
    );
  });
});

describe('resolveTarget', () => {
  const metadata = {
    issuer: 'https://as.example',
    token_endpoint: 'https://as.example/token',
    revocation_endpoint: 'https://as.example/revoke',
    jwks_uri: 'https://as.example/jwks',
    tokenkeeper_login_endpoint: 'https://as.example/auth/login',
  };

  it('takes endpoints from --issuer metadata, explicit flags winning', async () => {
    const http = cannedHttp({ 'https://as.example/.well-known/openid-configuration': metadata });
    const target = await resolveTarget(
      {
        issuer: 'https://as.example',
        revocationEndpoint: 'https://other.example/r',
        clientId: 'c',
        clientSecret: 's',
      },
      http,
    );
    expect(target).toEqual({
      issuer: 'https://as.example',
      tokenEndpoint: 'https://as.example/token',
      login: { kind: 'url', url: 'https://as.example/auth/login', form: false },
      revocationEndpoint: 'https://other.example/r',
      jwksUri: 'https://as.example/jwks',
      client: { id: 'c', secret: 's', auth: 'basic' },
    });
  });

  it('without --issuer takes only the JWKS from metadata at the origin', async () => {
    const http = cannedHttp({
      'https://as.example/.well-known/oauth-authorization-server': metadata,
    });
    const target = await resolveTarget(
      { tokenEndpoint: 'https://as.example/token', loginCommand: 'login.sh' },
      http,
    );
    expect(target.jwksUri).toBe('https://as.example/jwks');
    expect(target.revocationEndpoint).toBeUndefined();
    expect(target.login).toEqual({ kind: 'command', command: 'login.sh' });
    expect(target.client).toEqual({ auth: 'none' });
  });

  it('says what it tried when an issuer has no metadata', async () => {
    const error = await resolveTarget({ issuer: 'https://as.example' }, cannedHttp({})).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DiscoveryError);
    expect((error as Error).message).toMatch(/openid-configuration: 404/);
  });
});

describe('loopback', () => {
  it('knows the hosts that never leave the machine', () => {
    for (const host of ['localhost', '127.0.0.1', '127.8.9.10', '[::1]', 'app.localhost'])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['10.0.0.1', 'example.com', '128.0.0.1', '::2'])
      expect(isLoopbackHost(host)).toBe(false);
  });

  it('calls plain http outside loopback cleartext', () => {
    expect(isCleartextRemote('http://auth.example.com/token')).toBe(true);
    expect(isCleartextRemote('https://auth.example.com/token')).toBe(false);
    expect(isCleartextRemote('http://127.0.0.1:8080/token')).toBe(false);
  });
});
