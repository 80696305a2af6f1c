import { describe, expect, it } from 'vitest';
import {
  clientAuthentication,
  refreshRequest,
  revocationRequest,
} from '../../src/http/token-requests.js';
import { parseErrorBody, parseTokenResponse } from '../../src/http/token-response.js';
import type { Target } from '../../src/target/target.js';

const target: Target = {
  tokenEndpoint: 'https://as.example/token',
  login: { kind: 'command', command: 'x' },
  revocationEndpoint: 'https://as.example/revoke',
  client: { id: 'my app', secret: 'p:a+ss', auth: 'basic' },
};

describe('client authentication (RFC 6749 §2.3.1)', () => {
  it('form-encodes id and secret before joining them for HTTP Basic', () => {
    const { headers, fields } = clientAuthentication(target.client);
    expect(Buffer.from(headers.authorization!.slice(6), 'base64').toString()).toBe(
      'my+app:p%3Aa%2Bss',
    );
    expect(fields).toEqual({});
  });

  it('puts them in the body for post, and only the id for a public client', () => {
    expect(clientAuthentication({ id: 'a', secret: 's', auth: 'post' }).fields).toEqual({
      client_id: 'a',
      client_secret: 's',
    });
    expect(clientAuthentication({ id: 'a', auth: 'none' })).toEqual({
      headers: {},
      fields: { client_id: 'a' },
    });
    expect(clientAuthentication({ auth: 'none' })).toEqual({ headers: {}, fields: {} });
  });
});

describe('requests', () => {
  it('refreshes with a form body and no bearer', () => {
    const request = refreshRequest(target, 'R0');
    expect(request.headers?.['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(request.body).get('refresh_token')).toBe('R0');
    expect(request.headers?.authorization?.startsWith('Basic ')).toBe(true);
  });

  it('with a bearer, moves Basic client credentials into the body', () => {
    const request = refreshRequest(target, 'R0', { bearer: 'A0' });
    expect(request.headers?.authorization).toBe('Bearer A0');
    expect(new URLSearchParams(request.body).get('client_secret')).toBe('p:a+ss');
  });

  it('revokes with a hint (RFC 7009 §2.1)', () => {
    const body = new URLSearchParams(
      revocationRequest(
        { ...target, revocationEndpoint: 'https://as.example/revoke' },
        'R0',
        'refresh_token',
      ).body,
    );
    expect(Object.fromEntries(body)).toEqual({ token: 'R0', token_type_hint: 'refresh_token' });
  });
});

describe('token responses', () => {
  it('reads RFC 6749 §5.1 fields and refresh lifetimes under either name', () => {
    expect(
      parseTokenResponse(
        '{"access_token":"A","refresh_token":"R","expires_in":"900","token_type":"Bearer","refresh_expires_in":60}',
      ),
    ).toEqual({
      accessToken: 'A',
      refreshToken: 'R',
      expiresIn: 900,
      tokenType: 'Bearer',
      refreshExpiresIn: 60,
    });
    expect(
      parseTokenResponse('{"access_token":"A","refresh_token_expires_in":7}')?.refreshExpiresIn,
    ).toBe(7);
  });

  it('is not a token response without a string access_token', () => {
    expect(parseTokenResponse('{"access_token":5}')).toBeUndefined();
    expect(parseTokenResponse('[]')).toBeUndefined();
    expect(parseTokenResponse('<html>')).toBeUndefined();
  });

  it('reads RFC 6749 §5.2 errors', () => {
    expect(parseErrorBody('{"error":"invalid_grant"}')).toEqual({
      json: true,
      error: 'invalid_grant',
    });
    expect(parseErrorBody('{"message":"x"}')).toEqual({ json: true });
    expect(parseErrorBody('oops')).toEqual({ json: false });
  });
});
