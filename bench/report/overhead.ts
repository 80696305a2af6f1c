/** RESULTS.md section 1: overhead. */
import type { OverheadResult } from '../overhead.js';
import { ratioSpread, spread } from '../stats.js';
import { type Aim, cell, table } from './format.js';

const AIM = 0.97;

function pairRuns(result: OverheadResult, name: string) {
  return result.runs.map((run) => {
    const pair = run.throughput.find((p) => p.name === name);
    if (!pair) throw new Error(`overhead result without ${name}`);
    return pair;
  });
}

export function overheadAims(result: OverheadResult): Aim[] {
  const ratio = ratioSpread(
    pairRuns(result, 'createFetch').map((p) => p.tokenkeeper),
    pairRuns(result, 'createFetch').map((p) => p.baseline),
  );
  return [
    {
      aim: `createFetch throughput ≥ ${AIM} × raw fetch`,
      result: `${cell(ratio, 3)} (median [min–max] of ${ratio.runs} runs)`,
      met: ratio.median >= AIM,
    },
  ];
}

function throughputRows(result: OverheadResult): string[][] {
  const rows: string[][] = [];
  for (const name of ['createFetch', 'attachAxios']) {
    const runs = pairRuns(result, name);
    const baselineName = name === 'createFetch' ? 'raw fetch' : 'bare axios';
    rows.push([
      `${name} vs ${baselineName}`,
      cell(spread(runs.map((p) => p.tokenkeeper))),
      cell(spread(runs.map((p) => p.baseline))),
      cell(
        ratioSpread(
          runs.map((p) => p.tokenkeeper),
          runs.map((p) => p.baseline),
        ),
        3,
      ),
      cell(spread(runs.map((p) => p.tokenkeeperCpu)), 1),
      cell(spread(runs.map((p) => p.baselineCpu)), 1),
      cell(
        ratioSpread(
          runs.map((p) => p.baselineCpu),
          runs.map((p) => p.tokenkeeperCpu),
        ),
        3,
      ),
    ]);
  }
  return rows;
}

function stepRows(result: OverheadResult): { rows: string[][]; wrapperUs: number; rawCpu: number } {
  const names = Object.keys(result.runs[0]?.steps ?? {});
  const rows = names.map((name) => [
    name,
    cell(spread(result.runs.map((run) => run.steps[name] ?? NaN))),
  ]);
  const wrapper = spread(
    result.runs.map(
      (run) =>
        (run.steps['createFetch over instant fetch'] ?? NaN) -
        (run.steps['instant fetch alone'] ?? NaN),
    ),
  );
  rows.push(['= what createFetch adds per request (difference of the first two)', cell(wrapper)]);
  const rawCpu = spread(pairRuns(result, 'createFetch').map((p) => p.baselineCpu)).median;
  return { rows, wrapperUs: wrapper.median / 1000, rawCpu };
}

export function renderOverhead(result: OverheadResult): string {
  const { runs, seconds, concurrency, hotPathMs } = result.options;
  const hot = result.runs.map((run) => run.hotPath);
  const steps = stepRows(result);
  const predicted = steps.rawCpu / (steps.rawCpu + steps.wrapperUs);
  return [
    table(
      [
        'pair',
        'tokenkeeper req/s',
        'baseline req/s',
        'ratio (aim ≥ 0.97)',
        'tokenkeeper CPU µs/req',
        'baseline CPU µs/req',
        'CPU ratio',
      ],
      throughputRows(result),
    ),
    '',
    table(
      ['hot path', 'getAccessToken() ns/call', 'Promise.resolve(token) ns/call', 'ratio'],
      [
        [
          'valid token, awaited',
          cell(spread(hot.map((h) => h.tokenkeeper)), 1),
          cell(spread(hot.map((h) => h.baseline)), 1),
          cell(
            ratioSpread(
              hot.map((h) => h.tokenkeeper),
              hot.map((h) => h.baseline),
            ),
            2,
          ),
        ],
      ],
    ),
    '',
    '**Where createFetch spends its time** (ns per call, tinybench median of 100-call samples):',
    '',
    table(['step', 'ns per call'], steps.rows),
    '',
    `Raw fetch costs this client process ${steps.rawCpu.toFixed(0)} µs of CPU per request ` +
      `(median); createFetch adds ${steps.wrapperUs.toFixed(1)} µs, so a client bound by its ` +
      `own CPU would keep ${predicted.toFixed(3)} of raw throughput.`,
    '',
    `**What the figures mean.** Requests per second through each client against the same ` +
      `node:http keep-alive server on 127.0.0.1, which runs in its own process and answers 200 ` +
      `with 20 bytes without checking anything, so whatever a client adds shows in full. ` +
      `${concurrency} requests in flight (closed loop). Raw fetch sends the same ` +
      `500-character bearer header, set by hand; bare axios carries it as a default header; ` +
      `the tokenkeeper session holds a token valid for an hour, so every request takes the ` +
      `hot path (no refresh). Each of the ${runs} runs measures a pair for ${seconds} s per ` +
      `side in interleaved 250 ms slices (which side leads alternates between runs), so the ` +
      `load of other work on this shared machine falls on both sides alike; ratio = ` +
      `tokenkeeper / baseline within the run (1.000 = free). The CPU columns are this client ` +
      `process's CPU time (user + system) per request in the same slices; CPU ratio = baseline ` +
      `CPU / tokenkeeper CPU, the throughput ratio a client bound by its own CPU would see, ` +
      `and much less moved by the neighbours than wall-clock throughput. The hot path is ` +
      `\`await session.getAccessToken()\` against \`await Promise.resolve(token)\` (tinybench ` +
      `6, ${hotPathMs} ms per task per run, median of samples of 1,000 calls).`,
    '',
    'Rerun just this: `npm run bench -- overhead`',
  ].join('\n');
}
