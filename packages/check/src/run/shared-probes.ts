import type { JwksResult, Observation } from '../checks/check.js';
import type { AuditHttp } from '../http/http-client.js';
import type { AuditSession } from '../session/audit-session.js';

/** Memoizes a lazy computation: the first call starts it, every call gets its promise. */
export function once<T>(compute: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | undefined;
  return () => {
    started ??= compute();
    return started;
  };
}

/** The shared observation: a session and one refresh of it without an access token. */
export async function observe(open: () => Promise<AuditSession>): Promise<Observation> {
  const session = await open();
  const refreshToken = session.login.tokens.refreshToken;
  if (!refreshToken) return { session };
  return { session, refresh: await session.refresh(refreshToken) };
}

/** The JWKS at `url`, or why there is none. */
export async function fetchJwks(http: AuditHttp, url: string | undefined): Promise<JwksResult> {
  if (!url)
    return {
      problem: 'no jwks_uri known (give --issuer, or serve RFC 8414 metadata at the origin)',
    };
  const exchange = await http.send({ method: 'GET', url, headers: { accept: 'application/json' } });
  if (exchange.status !== 200) return { url, problem: `the JWKS answered ${exchange.status}` };
  try {
    const body = JSON.parse(exchange.text) as { keys?: unknown };
    if (!Array.isArray(body.keys)) return { url, problem: 'the JWKS has no keys array' };
    return {
      url,
      keys: body.keys.filter((k): k is Record<string, unknown> => !!k && typeof k === 'object'),
    };
  } catch {
    return { url, problem: 'the JWKS is not JSON' };
  }
}
