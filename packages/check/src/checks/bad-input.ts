import { randomBytes } from 'node:crypto';
import type { HttpExchange } from '../http/http-client.js';
import { isTransportError } from '../http/http-error.js';
import { clientAuthentication } from '../http/token-requests.js';
import { parseTokenResponse } from '../http/token-response.js';
import type { Target } from '../target/target.js';
import { badBearers, badPosts, type EndpointKind, showsStackTrace } from './bad-requests.js';
import { type CheckDefinition, needs } from './check.js';
import { type Verdict, worse } from './verdict.js';

function endpoints(target: Target): [EndpointKind, string][] {
  const list: [EndpointKind, string][] = [['token', target.tokenEndpoint]];
  if (target.login.kind === 'url') list.push(['login', target.login.url]);
  if (target.revocationEndpoint) list.push(['revocation', target.revocationEndpoint]);
  if (target.resource) list.push(['resource', target.resource]);
  return list;
}

const requestCount = (target: Target) =>
  endpoints(target).reduce(
    (n, [kind]) => n + (kind === 'resource' ? badBearers('').length : badPosts('token', '').length),
    0,
  );

/** What one answer to a malformed request says about the server. */
export function judgeBadAnswer(
  kind: EndpointKind,
  exchange: HttpExchange,
  canary: string,
): { verdict: Verdict; note?: string } {
  const { status, text } = exchange;
  if (status >= 500) return { verdict: 'fail', note: `${status}` };
  if (showsStackTrace(text))
    return { verdict: 'fail', note: `${status} with a stack trace in the body` };
  if (text.includes(canary))
    return { verdict: 'fail', note: `${status} echoing the token or password sent` };
  if (status < 200 || status > 299) return { verdict: 'pass' };
  if (kind === 'revocation') return { verdict: 'pass' };
  if (kind === 'resource')
    return { verdict: 'fail', note: `${status}: a malformed credential was accepted` };
  if (parseTokenResponse(text))
    return { verdict: 'fail', note: `${status} with tokens for a malformed request` };
  return { verdict: 'warn', note: `${status} for a malformed request` };
}

export const badInput: CheckDefinition = {
  id: 'bad-input',
  title: 'malformed requests get a 4xx: no 5xx, no stack trace, no echoed token',
  why: 'A malformed request must get a plain 4xx: a 5xx, a stack trace or an echoed token tells an attacker about the server and puts secrets into logs and error trackers (RFC 6749 §5.2; RFC 6750 §3.1; seed 001, log hygiene).',
  waits: false,
  needs: (target) => needs({ requests: requestCount(target) }),
  async run(context) {
    const canary = `tkcheck-canary-${randomBytes(12).toString('hex')}`;
    const basic = clientAuthentication(context.target.client).headers;
    let verdict: Verdict = 'pass';
    const evidence: string[] = [];
    for (const [kind, url] of endpoints(context.target)) {
      const cases = kind === 'resource' ? badBearers(canary) : badPosts(kind, canary);
      const statuses: number[] = [];
      const notes: string[] = [];
      for (const bad of cases) {
        const headers =
          kind === 'token' || kind === 'revocation' ? { ...basic, ...bad.headers } : bad.headers;
        let judged: { verdict: Verdict; note?: string };
        try {
          const exchange = await context.http.send({
            method: kind === 'resource' ? 'GET' : 'POST',
            url,
            headers,
            ...(bad.body === undefined ? {} : { body: bad.body }),
          });
          statuses.push(exchange.status);
          judged = judgeBadAnswer(kind, exchange, canary);
        } catch (error) {
          if (!isTransportError(error) || error.code === 'budget' || error.code === 'aborted')
            throw error;
          judged = { verdict: 'fail', note: `no answer (${error.code})` };
        }
        verdict = worse(verdict, judged.verdict);
        if (judged.note) notes.push(`${kind} endpoint, ${bad.name}: ${judged.note}`);
      }
      const seen = [...new Set(statuses)].sort().join(', ') || 'none';
      evidence.push(
        `${kind} endpoint: ${cases.length} malformed requests, statuses ${seen}`,
        ...notes,
      );
    }
    const finding =
      verdict === 'pass'
        ? 'every malformed request got a clean 4xx'
        : verdict === 'warn'
          ? 'malformed requests were answered 2xx'
          : 'malformed requests got a 5xx, a stack trace, an echo or no answer';
    return { verdict, finding, evidence };
  },
};
