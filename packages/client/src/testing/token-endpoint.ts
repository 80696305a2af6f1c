import { type Clock, systemClock } from '../clock.js';
import { oauth2Refresh } from '../oauth2/refresh.js';
import { oauth2Revoke } from '../oauth2/revoke.js';
import type { RefreshFunction, RevokeFunction } from '../session/create-session.js';
import type { TokenResponse } from '../tokens/types.js';
import { checkProof, ProofError } from './dpop-check.js';

/**
 * What the next refresh answers:
 * `ok`; `invalid_grant` (400, RFC 6749 §5.2); `unauthorized` (bare 401); `network` (fetch
 * rejects with a TypeError); `hang` (no answer until the request is aborted); `malformed`
 * (200 with an HTML page); or any status, with an optional `Retry-After` in seconds.
 */
export type ScriptedOutcome =
  | 'ok'
  | 'invalid_grant'
  | 'unauthorized'
  | 'network'
  | 'hang'
  | 'malformed'
  | { status: number; retryAfter?: number; body?: string };

export interface TokenEndpointOptions {
  /** The clock the server reads: give it the session's virtual clock. @default systemClock */
  clock?: Clock;
  /** Access-token lifetime in ms. @default 15 minutes */
  accessTokenTtl?: number;
  /** Refresh tokens older than this are refused with `invalid_grant`. @default no limit */
  refreshTokenTtl?: number;
  /** Rotate refresh tokens: a used one is refused afterwards (no grace window). @default true */
  rotate?: boolean;
  /** Send `expires_in` (false: the client must find the expiry elsewhere, or not at all). @default true */
  sendExpiresIn?: boolean;
  /** Issue access tokens as (unsigned) JWTs with `iat` and `exp`. @default false */
  jwt?: boolean;
  /** The server's clock minus the client's, in ms, to simulate a skewed device. @default 0 */
  serverClockOffset?: number;
  /** Virtual ms each refresh takes before answering. @default 0 */
  latency?: number;
  /** Origin the endpoint's `fetch` answers for. @default 'https://auth.test' */
  origin?: string;
  /**
   * DPoP (RFC 9449): tokens issued by `dpopLogin(proof)` are bound to the proof's key; a bound
   * refresh token needs a proof by that key, a bound access token `Authorization: DPoP` and a
   * proof with its `ath`. `{ nonce: true }` also demands server nonces (`rotateNonce()` issues a
   * new one). @default false
   */
  dpop?: boolean | { nonce?: boolean };
}

export interface RefreshCall {
  /** Client-clock time the refresh arrived. */
  readonly at: number;
  readonly outcome: string;
}

export interface ResourceCall {
  readonly at: number;
  readonly path: string;
  readonly status: number;
}

export interface TokenEndpoint {
  /** Issues a fresh token response, as a login would. */
  login(): TokenResponse;
  /**
   * A login carrying a DPoP proof for `POST <origin>/auth/login` (`session.dpopProof(...)`):
   * the tokens are bound to its key (`token_type: DPoP`). Rejects when the proof is refused.
   */
  dpopLogin(proof: string): Promise<TokenResponse>;
  /** `dpop: { nonce: true }`: a new nonce; proofs with the old one are challenged. */
  rotateNonce(): void;
  /** The nonce proofs must carry now (what a `use_dpop_nonce` answer's `DPoP-Nonce` says). */
  readonly nonce: string | undefined;
  /** Answers that asked the client for a (new) DPoP nonce. */
  readonly nonceChallenges: number;
  /** Requests refused for their DPoP proof (missing, invalid, another key, replayed). */
  readonly proofRefusals: number;
  /** A session `refresh` option speaking to this endpoint (through `oauth2Refresh`). */
  readonly refresh: RefreshFunction;
  /** A session `revoke` option for this endpoint's `POST /oauth/revoke` (RFC 7009). */
  readonly revoke: RevokeFunction;
  /** Revocation requests received; `known` when the token was one this endpoint issued. */
  readonly revocations: readonly { at: number; known: boolean }[];
  /**
   * A fetch serving `POST /oauth/token` (refresh grant) and, on any other path, a protected
   * resource answering 200 for a valid bearer token and 401 (RFC 6750) otherwise.
   */
  readonly fetch: typeof fetch;
  /** `${origin}/oauth/token` */
  readonly tokenEndpoint: string;
  /** True while the access token is known, unexpired and not rejected. */
  isValid(accessToken: string): boolean;
  /** Queues outcomes for the next refreshes; afterwards refreshes answer `ok`. */
  script(...outcomes: ScriptedOutcome[]): void;
  /** Refuses every refresh token issued so far (`invalid_grant` from now on). */
  revokeRefreshTokens(): void;
  /** Makes every access token issued so far invalid at the resource (server-side revocation). */
  rejectAccessTokens(): void;
  /** Number of refresh requests received, whatever their outcome. */
  readonly refreshCount: number;
  readonly refreshCalls: readonly RefreshCall[];
  readonly resourceCalls: readonly ResourceCall[];
  /** Every token string ever issued: for asserting that none leaks into logs or events. */
  secrets(): string[];
}

function randomToken(prefix: string): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function base64Url(text: string): string {
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

/**
 * An in-memory OAuth token endpoint and protected resource on a virtual clock.
 * @example
 * const clock = createVirtualClock();
 * const server = createTokenEndpoint({ clock });
 * const session = createSession({ clock, refresh: server.refresh });
 * await session.signIn(server.login());
 */
export function createTokenEndpoint(options: TokenEndpointOptions = {}): TokenEndpoint {
  const clock = options.clock ?? systemClock;
  const ttl = options.accessTokenTtl ?? 15 * 60_000;
  const rotate = options.rotate ?? true;
  const origin = options.origin ?? 'https://auth.test';
  const offset = options.serverClockOffset ?? 0;
  const serverNow = () => clock.now() + offset;
  const access = new Map<string, { expiresAt: number; rejected: boolean }>();
  const refreshTokens = new Map<
    string,
    { issuedAt: number; used: boolean; revoked: boolean; jkt?: string }
  >();
  const bound = new Map<string, string>(); // access token -> jkt
  const dpopOptions = options.dpop === true ? {} : options.dpop || undefined;
  const seenJti = new Set<string>();
  let nonce = dpopOptions?.nonce ? randomToken('n_') : undefined;
  let nonceChallenges = 0;
  let proofRefusals = 0;
  const queue: ScriptedOutcome[] = [];
  const refreshCalls: RefreshCall[] = [];
  const resourceCalls: ResourceCall[] = [];
  const revocations: { at: number; known: boolean }[] = [];
  const issued: string[] = [];

  /** Checks a request's proof; a refusal answers as RFC 9449 says (use_dpop_nonce, or `refuse`). */
  async function proofFor(
    request: Request,
    expected: { htm: string; htu: string; accessToken?: string },
    refuse: (description: string) => Response,
    challenge: () => Response,
  ): Promise<{ jkt: string } | Response> {
    try {
      const checked = await checkProof(
        request.headers.get('dpop'),
        { ...expected, now: serverNow() },
        seenJti,
      );
      if (nonce !== undefined && checked.nonce !== nonce) {
        nonceChallenges++;
        return challenge();
      }
      return checked;
    } catch (error) {
      proofRefusals++;
      return refuse(error instanceof ProofError ? error.message : 'invalid DPoP proof');
    }
  }
  const nonceHeader = (): Record<string, string> => (nonce ? { 'dpop-nonce': nonce } : {});

  function issue(jkt?: string): TokenResponse {
    const now = serverNow();
    const accessToken = options.jwt
      ? [
          base64Url(JSON.stringify({ alg: 'none', typ: 'JWT' })),
          base64Url(
            JSON.stringify({
              sub: 'user',
              iat: Math.floor(now / 1000),
              exp: Math.floor((now + ttl) / 1000),
              jti: randomToken(''),
            }),
          ),
          '',
        ].join('.')
      : randomToken('at_');
    const refreshToken = randomToken('rt_');
    access.set(accessToken, {
      expiresAt: options.jwt ? Math.floor((now + ttl) / 1000) * 1000 : now + ttl,
      rejected: false,
    });
    refreshTokens.set(refreshToken, { issuedAt: now, used: false, revoked: false, jkt });
    if (jkt !== undefined) bound.set(accessToken, jkt);
    issued.push(accessToken, refreshToken);
    const response: TokenResponse = {
      access_token: accessToken,
      token_type: jkt === undefined ? 'Bearer' : 'DPoP',
      refresh_token: refreshToken,
    };
    if (options.sendExpiresIn ?? true) response.expires_in = Math.round(ttl / 1000);
    return response;
  }

  function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const handle = clock.setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clock.clearTimeout(handle);
        reject(signal.reason ?? new DOMException('Aborted', 'AbortError'));
      });
    });
  }

  async function tokenRoute(request: Request): Promise<Response> {
    const outcome = queue.shift() ?? 'ok';
    refreshCalls.push({
      at: clock.now(),
      outcome: typeof outcome === 'string' ? outcome : `http_${outcome.status}`,
    });
    if (options.latency) await sleep(options.latency, request.signal);
    const form = new URLSearchParams(await request.text());
    if (outcome === 'network') throw new TypeError('fetch failed');
    if (outcome === 'hang') {
      await sleep(Number.MAX_SAFE_INTEGER, request.signal);
    }
    if (outcome === 'malformed')
      return new Response('<html>Sign in to the Wi-Fi</html>', {
        status: 200,
        headers: { 'content-type': 'text/html' },
      });
    if (outcome === 'unauthorized') return new Response(null, { status: 401 });
    if (typeof outcome === 'object') {
      const headers: Record<string, string> =
        outcome.retryAfter === undefined ? {} : { 'retry-after': String(outcome.retryAfter) };
      return new Response(outcome.body ?? '', { status: outcome.status, headers });
    }
    const invalid = json(400, {
      error: 'invalid_grant',
      error_description: 'refresh token is not valid',
    });
    if (outcome === 'invalid_grant' || form.get('grant_type') !== 'refresh_token') return invalid;
    const presented = form.get('refresh_token') ?? '';
    const record = refreshTokens.get(presented);
    if (record?.jkt !== undefined) {
      const proof = await proofFor(
        request,
        { htm: 'POST', htu: tokenEndpoint },
        (description) => json(400, { error: 'invalid_dpop_proof', error_description: description }),
        () => json(400, { error: 'use_dpop_nonce' }, nonceHeader()),
      );
      if (proof instanceof Response) return proof;
      // A stolen refresh token without its key: refused, and the owner's session lives on.
      if (proof.jkt !== record.jkt) {
        proofRefusals++;
        return invalid;
      }
    }
    const tooOld =
      record &&
      options.refreshTokenTtl !== undefined &&
      serverNow() - record.issuedAt >= options.refreshTokenTtl;
    if (!record || record.revoked || (rotate && record.used) || tooOld) return invalid;
    const answer = issue(record.jkt);
    if (rotate) record.used = true;
    else {
      refreshTokens.delete(answer.refresh_token!);
      answer.refresh_token = presented;
    }
    return json(200, answer, { date: new Date(serverNow()).toUTCString(), ...nonceHeader() });
  }

  /** RFC 7009: revokes a refresh token (its record) or an access token; 200 even if unknown. */
  async function revokeRoute(request: Request): Promise<Response> {
    const token = new URLSearchParams(await request.text()).get('token') ?? '';
    revocations.push({ at: clock.now(), known: refreshTokens.has(token) || access.has(token) });
    const record = refreshTokens.get(token);
    if (record) record.revoked = true;
    const accessRecord = access.get(token);
    if (accessRecord) accessRecord.rejected = true;
    return new Response(null, { status: 200 });
  }

  async function resourceRoute(request: Request, path: string): Promise<Response> {
    const header = request.headers.get('authorization') ?? '';
    const [scheme, token = ''] = header.split(' ', 2);
    const jkt = bound.get(token);
    const refused = (challenge: string, extra: Record<string, string> = {}) => {
      resourceCalls.push({ at: clock.now(), path, status: 401 });
      return json(401, { error: 'invalid_token' }, { 'www-authenticate': challenge, ...extra });
    };
    if (jkt !== undefined) {
      // A bound token needs its scheme and a proof by its key, for this request and token.
      if (scheme !== 'DPoP') return refused('DPoP error="invalid_token", algs="ES256"');
      const proof = await proofFor(
        request,
        { htm: request.method, htu: request.url, accessToken: token },
        () => refused('DPoP error="invalid_dpop_proof", algs="ES256"'),
        () => refused('DPoP error="use_dpop_nonce", algs="ES256"', nonceHeader()),
      );
      if (proof instanceof Response) return proof;
      if (proof.jkt !== jkt) {
        proofRefusals++;
        return refused('DPoP error="invalid_token", algs="ES256"');
      }
    } else if (scheme !== 'Bearer') return refused('Bearer error="invalid_token"');
    const status = endpoint.isValid(token) ? 200 : 401;
    if (status !== 200) return refused(`${jkt ? 'DPoP' : 'Bearer'} error="invalid_token"`);
    resourceCalls.push({ at: clock.now(), path, status });
    return json(200, { ok: true, path }, nonceHeader());
  }

  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== origin)
      throw new TypeError(`fetch failed: ${url.origin} is not served here`);
    if (url.pathname === '/oauth/token' && request.method === 'POST') return tokenRoute(request);
    if (url.pathname === '/oauth/revoke' && request.method === 'POST') return revokeRoute(request);
    return resourceRoute(request, url.pathname);
  };

  const tokenEndpoint = `${origin}/oauth/token`;
  const revocationEndpoint = `${origin}/oauth/revoke`;
  const endpoint: TokenEndpoint = {
    login: () => issue(),
    async dpopLogin(proof) {
      const request = new Request(`${origin}/auth/login`, {
        method: 'POST',
        headers: { dpop: proof },
      });
      const checked = await proofFor(
        request,
        { htm: 'POST', htu: request.url },
        (description) => json(400, { error: 'invalid_dpop_proof', error_description: description }),
        () => json(400, { error: 'use_dpop_nonce' }, nonceHeader()),
      );
      if (checked instanceof Response)
        throw new Error(`dpopLogin refused: ${await checked.text()}`);
      return issue(checked.jkt);
    },
    rotateNonce() {
      if (nonce !== undefined) nonce = randomToken('n_');
    },
    get nonce() {
      return nonce;
    },
    get nonceChallenges() {
      return nonceChallenges;
    },
    get proofRefusals() {
      return proofRefusals;
    },
    refresh: oauth2Refresh({ tokenEndpoint, fetch: fetchImpl as typeof fetch }),
    revoke: oauth2Revoke({ revocationEndpoint, fetch: fetchImpl as typeof fetch }),
    revocations,
    fetch: fetchImpl as typeof fetch,
    tokenEndpoint,
    isValid(token) {
      const record = access.get(token);
      return record !== undefined && !record.rejected && serverNow() < record.expiresAt;
    },
    script: (...outcomes) => {
      queue.push(...outcomes);
    },
    revokeRefreshTokens() {
      for (const record of refreshTokens.values()) record.revoked = true;
    },
    rejectAccessTokens() {
      for (const record of access.values()) record.rejected = true;
    },
    get refreshCount() {
      return refreshCalls.length;
    },
    refreshCalls,
    resourceCalls,
    secrets: () => [...issued],
  };
  return endpoint;
}
