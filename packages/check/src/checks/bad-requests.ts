/** The malformed requests bad-input sends, per kind of endpoint. Pure: tested directly. */

export type EndpointKind = 'token' | 'login' | 'revocation' | 'resource';

export interface BadRequest {
  readonly name: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };
const OVERSIZED = 64 * 1024;

/** The fields that carry a secret at each kind of endpoint. */
function fields(kind: Exclude<EndpointKind, 'resource'>, secret: string): [string, string][] {
  if (kind === 'token')
    return [
      ['grant_type', 'refresh_token'],
      ['refresh_token', secret],
    ];
  if (kind === 'login')
    return [
      ['username', 'tokenkeeper-check'],
      ['password', secret],
    ];
  return [['token', secret]];
}

const form = (pairs: [string, string][]) =>
  pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');

/**
 * Eight malformed bodies for a POST endpoint; `canary` stands where a token or password goes,
 * so an answer that echoes it is caught.
 */
export function badPosts(kind: Exclude<EndpointKind, 'resource'>, canary: string): BadRequest[] {
  const pairs = fields(kind, canary);
  const json = JSON.stringify(Object.fromEntries(pairs));
  const secretField = pairs[pairs.length - 1]![0];
  const objects = Object.fromEntries(pairs.map(([k]) => [k, { $ne: null }]));
  return [
    { name: 'truncated JSON', headers: JSON_TYPE, body: json.slice(0, -2) },
    { name: 'JSON with objects for strings', headers: JSON_TYPE, body: JSON.stringify(objects) },
    { name: 'empty JSON body', headers: JSON_TYPE, body: '' },
    { name: 'broken percent-encoding', headers: FORM_TYPE, body: `${form(pairs)}%E0%A4%&x=%zz` },
    {
      name: 'a parameter twice',
      headers: FORM_TYPE,
      body: `${form(pairs)}&${secretField}=${canary}-2`,
    },
    { name: 'control characters', headers: FORM_TYPE, body: `${form(pairs)}%00%0D%0A%1B` },
    { name: 'a 64 KiB value', headers: FORM_TYPE, body: `${form(pairs)}${'A'.repeat(OVERSIZED)}` },
    { name: 'text/plain body', headers: { 'content-type': 'text/plain' }, body: form(pairs) },
  ];
}

/** Malformed Authorization headers for the resource (RFC 6750 §2.1 syntax). */
export function badBearers(canary: string): BadRequest[] {
  return [
    { name: 'Bearer without a token', headers: { authorization: 'Bearer' } },
    { name: 'Bearer with two tokens', headers: { authorization: `Bearer ${canary} ${canary}` } },
    { name: 'an 8 KiB bearer token', headers: { authorization: `Bearer ${'A'.repeat(8192)}` } },
    {
      name: 'a forged JWT',
      headers: {
        authorization: `Bearer eyJhbGciOiJub25lIn0.${Buffer.from(`{"sub":"${canary}"}`).toString('base64url')}.`,
      },
    },
  ];
}

const STACK_TRACE = [
  /\bat [\w$.<>[\] ]+ \(?(?:file:\/\/)?[^\s()]+:\d+:\d+\)?/,
  /Traceback \(most recent call last\)/,
  /[\w/\\-]+\.(?:js|ts|mjs|cjs|py|rb|java|php|go|cs):\d+/,
  /node_modules[/\\]/,
  /Exception in thread|java\.lang\.\w+|System\.\w+Exception/,
  /SQLSTATE|syntax error at or near|ORA-\d{5}/,
];

/** True when a body shows the server's internals. */
export function showsStackTrace(text: string): boolean {
  return STACK_TRACE.some((pattern) => pattern.test(text));
}
