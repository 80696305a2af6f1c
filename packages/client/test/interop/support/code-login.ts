/**
 * Signing in at oidc-provider without a browser: the authorization code flow with PKCE (RFC 7636)
 * driven by fetch. The authorization endpoint redirects to the interaction page, whose handler
 * finishes the login through the provider's interaction API; the provider then redirects to the
 * client with a code, which is exchanged at the token endpoint like any app would.
 * `prompt=consent` is needed for `offline_access` (and so for a refresh token).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TokenResponse } from 'tokenkeeper';
import { REDIRECT_URI } from './oidc-server.js';

const MAX_REDIRECTS = 6;

/** Cookies by name, kept across the redirects as a browser would. */
function cookieJar() {
  const jar = new Map<string, string>();
  return {
    keep(response: Response) {
      for (const cookie of response.headers.getSetCookie()) {
        const pair = cookie.split(';', 1)[0] ?? '';
        const at = pair.indexOf('=');
        if (at > 0) jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
    },
    header: () => [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
  };
}

async function authorizationCode(issuer: string, clientId: string, challenge: string) {
  const state = randomBytes(12).toString('base64url');
  const start = new URL('/auth', issuer);
  start.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid offline_access',
    prompt: 'consent',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  }).toString();
  const jar = cookieJar();
  let url = start.href;
  for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.keep(response);
    const location = response.headers.get('location');
    await response.body?.cancel();
    if (location === null) throw new Error(`authorization stopped with HTTP ${response.status}`);
    const next = new URL(location, url);
    if (next.href.startsWith(REDIRECT_URI)) {
      if (next.searchParams.get('state') !== state) throw new Error('state mismatch');
      const code = next.searchParams.get('code');
      if (code === null) throw new Error(`authorization failed: ${next.searchParams.get('error')}`);
      return code;
    }
    url = next.href;
  }
  throw new Error('too many redirects');
}

/**
 * Signs the test account in and resolves to the provider's token response (access token,
 * refresh token, ID token), as an app's code exchange receives it.
 */
export async function signInWithCode(
  issuer: string,
  client: { clientId: string; clientSecret?: string },
  /** DPoP: the proof for the code exchange, given the nonce the provider asked for (if any). */
  dpopProof?: (url: string, nonce: string | undefined) => Promise<string>,
): Promise<TokenResponse> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const code = await authorizationCode(issuer, client.clientId, challenge);
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    client_id: client.clientId,
  });
  if (client.clientSecret !== undefined) form.set('client_secret', client.clientSecret);
  const url = new URL('/token', issuer).href;
  const exchange = async (nonce: string | undefined) =>
    fetch(url, {
      method: 'POST',
      body: form,
      headers: dpopProof ? { dpop: await dpopProof(url, nonce) } : {},
    });
  let response = await exchange(undefined);
  // RFC 9449 §8: a provider that demands nonces answers use_dpop_nonce with one; retry once.
  const nonce = response.headers.get('dpop-nonce');
  if (response.status === 400 && dpopProof && nonce) {
    const challenge = (await response.json()) as { error?: string };
    if (challenge.error !== 'use_dpop_nonce') throw new Error(`code exchange: ${challenge.error}`);
    response = await exchange(nonce);
  }
  const body = (await response.json()) as TokenResponse;
  if (response.status !== 200 || typeof body.refresh_token !== 'string') {
    throw new Error(`code exchange answered HTTP ${response.status} without a refresh token`);
  }
  return body;
}
