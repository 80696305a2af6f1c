/** RESULTS.md section 3: steady state. */
import { isTokenkeeper } from '../peers/index.js';
import { ratioSpread, spread } from '../stats.js';
import type { SteadyResult } from '../steady.js';
import { type Aim, cell, num, table } from './format.js';

export function steadyAims(result: SteadyResult): Aim[] {
  const mine = result.cells.filter((c) => isTokenkeeper(c.contender));
  const seen = mine.flatMap((c) => c.runs.map((run) => run.unauthorized));
  const total = seen.reduce((a, b) => a + b, 0);
  return [
    {
      aim: 'steady state: tokenkeeper gets no 401 from the server (proactive refresh)',
      result: `${total} 401s in ${seen.length} runs of ${num(result.options.requests)} requests (${mine.length} adapters × ${result.options.runs} runs)`,
      met: total === 0 && seen.length > 0,
    },
  ];
}

export function renderSteady(result: SteadyResult): string {
  const { runs, requests, hours, accessTtlMinutes } = result.options;
  const rows = result.cells.map((c) => {
    const per1000 = spread(c.runs.map((run) => (run.unauthorized / run.requests) * 1000));
    return [
      c.contender,
      cell(per1000, 2),
      cell(spread(c.runs.map((run) => run.failed))),
      cell(spread(c.runs.map((run) => run.refreshes))),
      cell(spread(c.runs.map((run) => run.minimum))),
      cell(
        ratioSpread(
          c.runs.map((run) => run.refreshes),
          c.runs.map((run) => run.minimum),
        ),
        2,
      ),
    ];
  });
  return [
    table(
      [
        'contender',
        '401s per 1,000 requests (aim 0)',
        'failed requests',
        'refresh calls',
        'minimum the lifetimes allow (baseline)',
        'ratio refreshes / minimum',
      ],
      rows,
    ),
    '',
    `**What the figures mean.** ${num(requests)} requests, one after another, spread over ` +
      `${hours} hours of virtual time with ${accessTtlMinutes}-minute access tokens, against ` +
      `\`createTokenEndpoint\` from tokenkeeper/testing (an OAuth token endpoint with rotation ` +
      `and a protected resource that answers 401 for an expired token) on ` +
      `\`createVirtualClock()\`; every contender is the same code as in the storm, given the ` +
      `endpoint's fetch and the virtual clock. The times are seeded (one seed per run, ${runs} ` +
      `runs, the same times for every contender in a run): the two hours are cut into ` +
      `5-minute slots, each busy with probability 0.7, and the requests fall uniformly on the ` +
      `busy slots, so there are pauses, some longer than a token's life. *401s per 1,000*: ` +
      `the 401s the resource answered, per 1,000 requests; a contender that refreshes only ` +
      `after a 401 meets one per expiry, a proactive one none. *minimum the lifetimes allow*: ` +
      `the refreshes an oracle makes for the same request times if it refreshes only when a ` +
      `request finds the token expired; ratio = refresh calls / that minimum. tokenkeeper ` +
      `refreshes a little early (its default refresh-ahead window is the last 3% of the ` +
      `token's life, 27 s of 15 minutes, and it never hands out a token with less than 10 s ` +
      `left, waiting for the refresh instead), which is what keeps its requests from meeting a ` +
      `401 and what its ratio above 1 pays for; the seed-000 interceptor's timer refreshes ` +
      `every half lifetime whether or not the app is used (its one 401 is the first expiry, ` +
      `before any refresh has started the timer).`,
    '',
    'Rerun just this: `npm run bench -- steady`',
  ].join('\n');
}
