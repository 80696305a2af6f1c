import { randomBytes } from 'node:crypto';
import type { HttpExchange } from '../http/http-client.js';
import { clientFormRequest } from '../http/token-requests.js';
import { parseErrorBody } from '../http/token-response.js';
import { type CheckDefinition, needs } from './check.js';
import { type Verdict, worse } from './verdict.js';

interface Case {
  readonly name: string;
  readonly params: Record<string, string>;
  readonly expected: string;
}

const cases = (): Case[] => [
  {
    name: 'an unknown refresh token',
    params: { grant_type: 'refresh_token', refresh_token: randomBytes(32).toString('base64url') },
    expected: 'invalid_grant',
  },
  {
    name: 'no refresh_token',
    params: { grant_type: 'refresh_token' },
    expected: 'invalid_request',
  },
  {
    name: 'an unknown grant_type',
    params: { grant_type: 'urn:tokenkeeper-check:no-such-grant' },
    expected: 'unsupported_grant_type',
  },
];

/** What RFC 6749 §5.2 asks of one answer: 400, a JSON body, the right `error`. */
export function judgeErrorAnswer(
  exchange: HttpExchange,
  expected: string,
): { verdict: Verdict; note: string } {
  const { status } = exchange;
  const body = parseErrorBody(exchange.text);
  const type = exchange.headers.get('content-type') ?? '(none)';
  const said = `${status}${body.error ? ` ${body.error}` : ''}`;
  if (status >= 500)
    return { verdict: 'fail', note: `${said}: a server error for a client's mistake` };
  if (status < 400)
    return { verdict: 'fail', note: `${said}: a bad grant answered as if it worked` };
  if (!body.json) return { verdict: 'fail', note: `${said}: the body is not JSON (${type})` };
  if (!body.error) return { verdict: 'fail', note: `${said}: no error member in the body` };
  if (status === 401 && body.error === 'invalid_client') {
    return {
      verdict: 'fail',
      note: `${said}: the client authentication was refused (check --client-id, --client-secret, --client-auth)`,
    };
  }
  if (body.error !== expected) return { verdict: 'warn', note: `${said}: expected ${expected}` };
  if (status !== 400) return { verdict: 'warn', note: `${said}: RFC 6749 §5.2 says 400` };
  if (!/json/i.test(type))
    return { verdict: 'warn', note: `${said}: Content-Type ${type}, not JSON` };
  return { verdict: 'pass', note: said };
}

export const errorFormat: CheckDefinition = {
  id: 'error-format',
  title: 'bad grants get RFC 6749 §5.2 errors',
  why: 'Clients decide between "sign in again" and "retry later" from the status and the error code: 400 with a JSON invalid_grant is the only answer they can rely on, and a 5xx or a 200 sends them the wrong way (RFC 6749 §5.2).',
  waits: false,
  needs: () => needs({ requests: 3 }),
  async run(context) {
    let verdict: Verdict = 'pass';
    const evidence: string[] = [];
    for (const item of cases()) {
      const exchange = await context.http.send(
        clientFormRequest(context.target.tokenEndpoint, context.target.client, item.params),
      );
      const judged = judgeErrorAnswer(exchange, item.expected);
      verdict = worse(verdict, judged.verdict);
      evidence.push(`${item.name}: ${judged.note}`);
    }
    const finding =
      verdict === 'pass'
        ? 'bad grants get 400 with a JSON error code'
        : verdict === 'warn'
          ? 'bad grants are refused, but not quite as RFC 6749 §5.2 says'
          : 'a bad grant got an answer a client cannot act on';
    return { verdict, finding, evidence };
  },
};
