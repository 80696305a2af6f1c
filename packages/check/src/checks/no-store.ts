import type { HttpExchange } from '../http/http-client.js';
import { type CheckDefinition, needs } from './check.js';
import { skip } from './verdict.js';

const noStore = (exchange: HttpExchange) =>
  /(^|[\s,])no-store($|[\s,;])/i.test(exchange.headers.get('cache-control') ?? '');

export const noStoreCheck: CheckDefinition = {
  id: 'no-store',
  title: 'token responses carry Cache-Control: no-store',
  why: 'A cached token response hands the tokens to whoever reads the cache next, in a browser or a proxy: every response that carries tokens must say Cache-Control: no-store (RFC 6749 §5.1).',
  waits: false,
  needs: () => needs({ observation: true }),
  async run(context) {
    const { session, refresh } = await context.observation();
    const seen: [string, HttpExchange][] = [];
    if (session.login.exchange) seen.push(['login', session.login.exchange]);
    if (refresh?.tokens) seen.push(['refresh', refresh.exchange]);
    if (seen.length === 0)
      return skip(
        'no token response was seen over HTTP (the login ran through --login-command and the refresh failed)',
      );
    const evidence = seen.map(([name, exchange]) => {
      const cache = exchange.headers.get('cache-control');
      const pragma = exchange.headers.get('pragma');
      return `${name} ${exchange.status}: Cache-Control ${cache === null ? '(absent)' : JSON.stringify(cache)}${pragma === null ? '' : `, Pragma ${JSON.stringify(pragma)}`}`;
    });
    if (!session.login.exchange)
      evidence.push('the login ran through --login-command: its headers are not seen');
    const missing = seen.filter(([, exchange]) => !noStore(exchange)).map(([name]) => name);
    if (missing.length > 0) {
      return {
        verdict: 'fail',
        finding: `no Cache-Control: no-store on the ${missing.join(' and ')} response`,
        evidence,
      };
    }
    return { verdict: 'pass', finding: 'every token response says no-store', evidence };
  },
};
