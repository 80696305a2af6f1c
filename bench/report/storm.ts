/** RESULTS.md section 2: refresh storm. */
import { isTokenkeeper } from '../peers/index.js';
import { spread } from '../stats.js';
import type { StormCell, StormResult } from '../storm.js';
import { type Aim, cell, num, table } from './format.js';

function graceLabel(ms: number): string {
  return ms === 0 ? 'reuse grace 0' : `reuse grace ${ms / 1000} s`;
}

export function stormAims(result: StormResult): Aim[] {
  const mine = result.cells.filter((c) => isTokenkeeper(c.contender));
  const bad = mine.flatMap((c) =>
    c.runs
      .filter((run) => run.ledger.calls !== 1 || run.failed !== 0)
      .map(
        (run) =>
          `${c.contender} N=${c.n} ${graceLabel(c.graceMs)}: ${run.ledger.calls} refresh, ${run.failed} failed`,
      ),
  );
  const runs = mine.reduce((sum, c) => sum + c.runs.length, 0);
  return [
    {
      aim: 'storm: tokenkeeper makes 1 refresh with 0 failed requests at every N',
      result:
        bad.length === 0
          ? `every one of ${runs} runs (${result.options.plans.map((p) => `${graceLabel(p.graceMs)}: N = ${p.sizes.join(', ')}`).join('; ')}; fetch and axios adapters)`
          : bad.join('; '),
      met: bad.length === 0 && runs > 0,
    },
  ];
}

function rowOf(c: StormCell): string[] {
  const of = (pick: (run: StormCell['runs'][number]) => number) => spread(c.runs.map(pick));
  const revoked = c.runs.filter((run) => run.ledger.revoked).length;
  const outcome = [
    num(of((r) => r.ledger.rotations).median),
    num(of((r) => r.ledger.replays).median),
    num(of((r) => r.ledger.refused).median),
  ].join(' / ');
  return [
    c.contender,
    num(c.n),
    cell(of((r) => r.ledger.calls)),
    outcome,
    cell(of((r) => r.failed)),
    revoked === 0 ? 'no' : `${revoked} of ${c.runs.length} runs`,
    cell(
      of((r) => r.addedP50),
      1,
    ),
    cell(
      of((r) => r.addedP99),
      1,
    ),
    cell(
      of((r) => r.validP50),
      1,
    ),
    cell(
      of((r) => r.stormP50 / r.validP50),
      2,
    ),
    cell(
      of((r) => r.heapMb),
      1,
    ),
    cell(
      of((r) => r.rssMb),
      1,
    ),
  ];
}

const HEADER = [
  'contender',
  'N',
  'refresh calls (aim 1)',
  'rotated / replayed / refused',
  'failed (aim 0)',
  'session revoked',
  'added p50 ms',
  'added p99 ms',
  'valid-token p50 ms (baseline)',
  'ratio storm p50 / valid p50',
  'peak heap Δ MB',
  'peak RSS Δ MB',
];

function revokedSentence(result: StormResult): string {
  const revoked = result.cells
    .map((c) => ({ c, count: c.runs.filter((run) => run.ledger.revoked).length }))
    .filter(({ count }) => count > 0)
    .map(
      ({ c, count }) =>
        `${c.contender} at N = ${num(c.n)}, ${graceLabel(c.graceMs)} (${count} of ${c.runs.length} runs)`,
    );
  return revoked.length === 0
    ? 'In this run no session was revoked.'
    : `In this run the session was revoked (the user logged out) for: ${revoked.join('; ')}.`;
}

export function renderStorm(result: StormResult): string {
  const { runs, plans } = result.options;
  const tables = plans
    .map((plan) => plan.graceMs)
    .flatMap((grace) => [
      `**${graceLabel(grace)}**${grace === 10_000 ? " (the token server's default)" : ''}:`,
      '',
      table(HEADER, result.cells.filter((c) => c.graceMs === grace).map(rowOf)),
      '',
    ]);
  return [
    ...tables,
    `**What the figures mean.** N requests are started at once through one client, and all ` +
      `of them meet an access token that the API no longer accepts. Each of the ${runs} runs ` +
      `per row is a fresh client process against the same real servers on 127.0.0.1: ` +
      `tokenkeeper-server (\`serve\`, in-memory PGlite) behind a pass-through proxy that counts ` +
      `\`POST /oauth/token\`, and a node:http API that checks every bearer token with the token ` +
      `server's own \`verifyAccessToken\` (stateless: signature and expiry). Each run logs in ` +
      `afresh (a new session), sends N requests with the valid token once to warm up, lets one ` +
      `request meet an expired token so that every contender's refresh path and its connection ` +
      `to the token endpoint are warm (as in an app that has refreshed before), sends the same N ` +
      `requests with the valid token again (the baseline), then moves the token server's clock ` +
      `16 minutes ahead (the access tokens live 15) and sends them a third time: every ` +
      `contender meets the same 401s from the same server. Every contender refreshes through ` +
      `the real token endpoint with \`grant_type=refresh_token\`, and the server rotates the ` +
      `refresh token on every use.`,
    '',
    `*refresh calls*: \`POST /oauth/token\` requests the token server received during the ` +
      `storm, counted by the proxy; *rotated / replayed / refused* is what the server's audit ` +
      `log says it did with them (median per run): a rotation issues the next generation, a ` +
      `replay answers a second use of the previous refresh token inside the reuse-grace window ` +
      `with the same successor, and anything else is refused (an older generation revokes the ` +
      `whole session: *session revoked*, the user is logged out; a client that has dropped its ` +
      `tokens sends none). *failed*: requests whose final answer was not 200. *added p50/p99*: ` +
      `per request, its latency in the storm minus the same request's latency with the valid ` +
      `token in the same run, then the 50th and 99th percentile over the N requests. ` +
      `*ratio*: median storm latency over median valid-token latency. *peak heap/RSS Δ*: the ` +
      `client process's V8 heap and resident set, sampled every millisecond during the storm, ` +
      `peak minus the value just before (after a forced GC). The token server's reuse grace ` +
      `(default 10 s) is what lets duplicate refreshes of one token succeed. With grace 0 a ` +
      `duplicate that was already at the server when the rotation happened lost a race and is ` +
      `refused (\`invalid_grant\`, the session lives on); one that arrives after the rotation ` +
      `is reuse and revokes the session, as in seed 001.`,
    '',
    '**How each contender is configured** (bench/peers/):',
    '',
    '- *tokenkeeper (fetch)*: `createSession({ refresh: oauth2Refresh({ tokenEndpoint }) })`, ' +
      '`signIn` with the login response, `createFetch(session, { origins: [api] })`; default ' +
      'refresh policy.',
    '- *tokenkeeper (axios)*: the same session, `attachAxios(session, axios.create(), { origins: [api] })`.',
    '- *axios-auth-refresh 5*: as its README recommends: `createAuthRefresh(instance, ' +
      'refreshAuthLogic)` with the default options (`statusCodes: [401]`, `deduplicateRefresh: ' +
      'true`, `maxRetries: 3`); a request interceptor that reads the stored token at send ' +
      'time; `refreshAuthLogic` posts the refresh grant with a separate axios instance, stores ' +
      "the new tokens and sets the failed request's header.",
    "- *naive interceptor (seed 000)*: seed 000's Dio interceptor in axios: on every 401 " +
      'refresh through the same instance (no single flight), store the tokens, schedule ' +
      'another refresh at half the lifetime, retry once with the new token; if the refresh or ' +
      'the retry fails, clear the tokens and answer 401.',
    "- *ky afterResponse hook*: ky's README pattern: a `beforeRequest` hook sets the stored " +
      'token on the first attempt; on a 401 at `retryCount === 0` the `afterResponse` hook ' +
      'refreshes (every such request does: no single flight) and returns `ky.retry({ request ' +
      '})` with the new header. The README passes no `delay`, so ky waits its default retry ' +
      'delay (300 ms for the first retry) before the retry: most of its added latency.',
    "- All axios clients use Node's http adapter with a keep-alive agent; fetch and ky use " +
      "Node's fetch (undici, keep-alive).",
    '',
    '**Reading it.** axios-auth-refresh makes one refresh but fails the other requests that ' +
      'were already in flight: while its refresh runs it marks the instance "paused", which ' +
      'holds back requests *sent* during the refresh, but a 401 that *arrives* during it is not ' +
      'intercepted and rejects (its source: `shouldInterceptError` returns false for a paused ' +
      'instance; `deduplicateRefresh: false` would instead refresh once per 401, like the naive ' +
      'interceptor). The naive interceptor and ky refresh once per 401. With the default grace ' +
      'the duplicates that present the same refresh token get the same successor (replays); ' +
      'but when a 401 arrives after one of those refreshes has finished, its refresh presents ' +
      'the new token and rotates again, and every later duplicate of the first token is then ' +
      'two generations old: reuse, the session is revoked, and (for the naive interceptor, ' +
      'which clears its tokens on a failed refresh) every request still waiting fails. With ' +
      'grace 0 every duplicate fails: those in flight with the rotation as lost races, the ' +
      'later ones as reuse, which revokes the session (the 401s, and so the refreshes, leave ' +
      'the client over several milliseconds; in these runs some always reached the server ' +
      'after the rotation). Every contender has to send each request twice (the ' +
      'refused attempt and the retry), so even one refresh leaves the storm latency near twice ' +
      'the valid-token latency once the servers are the bottleneck, as at N = 1,000, where the ' +
      'API checks 2,000 ES256 signatures on the two shared cores.',
    '',
    revokedSentence(result),
    '',
    'Rerun just this: `npm run bench -- storm` (every contender, N and grace: 3 to 5 minutes, ' +
      'most of it the refresh-per-401 contenders at N = 1,000).',
  ].join('\n');
}
