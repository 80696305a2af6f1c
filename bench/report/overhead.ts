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
  const aim = (name: string, baseline: string, note: string): Aim => {
    const ratio = ratioSpread(
      pairRuns(result, name).map((p) => p.tokenkeeper),
      pairRuns(result, name).map((p) => p.baseline),
    );
    return {
      aim: `${name} throughput ≥ ${AIM} × ${baseline}`,
      result: `${cell(ratio, 3)} (median [min to max] of ${ratio.runs} runs${note})`,
      met: ratio.median >= AIM,
    };
  };
  return [
    aim('createFetch', 'raw fetch', '; see section 1 for where the time goes'),
    aim('attachAxios', 'bare axios', '; see section 1 for where the time goes'),
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

type Adapter = 'fetch' | 'axios';

const STEP_PAIRS: Record<Adapter, { pair: string; bare: string; wrapped: string }> = {
  fetch: {
    pair: 'createFetch',
    bare: 'instant fetch alone',
    wrapped: 'createFetch over instant fetch',
  },
  axios: {
    pair: 'attachAxios',
    bare: 'bare axios over instant adapter',
    wrapped: 'attachAxios over instant adapter',
  },
};

/** The step table of one adapter, and what it adds beside the baseline's CPU per request. */
function steps(result: OverheadResult, adapter: Adapter) {
  const { pair, bare, wrapped } = STEP_PAIRS[adapter];
  const of = (name: string) => result.runs.map((run) => run.steps[adapter][name] ?? Number.NaN);
  const names = Object.keys(result.runs[0]?.steps[adapter] ?? {});
  const rows = names.map((name) => [name, cell(spread(of(name)))]);
  const added = spread(of(wrapped).map((ns, i) => ns - (of(bare)[i] ?? Number.NaN)));
  rows.push([`= what ${pair} adds per request (second row minus first)`, cell(added)]);
  const baselineCpu = spread(pairRuns(result, pair).map((p) => p.baselineCpu)).median;
  const addedUs = added.median / 1000;
  return { rows, addedUs, baselineCpu, predicted: baselineCpu / (baselineCpu + addedUs) };
}

const median = (result: OverheadResult, adapter: Adapter, name: string) =>
  spread(result.runs.map((run) => run.steps[adapter][name] ?? Number.NaN)).median;

const us = (ns: number) => `${(ns / 1000).toFixed(2)} µs`;

/** What the step timings say, in words (the mechanisms are read from the adapters' source). */
function findings(result: OverheadResult, adapter: Adapter): string {
  const at = (name: string) => median(result, adapter, name);
  if (adapter === 'fetch') {
    return (
      `Of that, \`getAccessToken()\` costs ${us(at('session.getAccessToken()'))} (a clock read ` +
      `and a comparison on the hot path; with \`idleTimeout\` set it also runs the reducer to ` +
      `restart the idle countdown, which this session has no need of). The origin check is a cached lookup of the URL's ` +
      `scheme-and-host prefix; parsing the URL instead (\`new URL\`, ` +
      `${us(at('new URL(url)'))}) and building a \`Headers\` object (` +
      `${us(at('new Headers() + has + set'))}) on every request, as the first version did, ` +
      `cost 0.93 of raw throughput in the first full run. The rest is the wrapper's object ` +
      `spread and promise hops.`
    );
  }
  const bare = at('bare axios over instant adapter');
  const url = at('bare axios + an interceptor doing only new URL(instance.getUri(config))') - bare;
  const asyncToken =
    at('bare axios + an async interceptor doing only has, getAccessToken, set') - bare;
  const response = at('bare axios + an empty response interceptor') - bare;
  return (
    `attachAxios' request interceptor is synchronous, so axios keeps its synchronous path; the ` +
    `same step written the usual way, as an async interceptor (\`has\`, \`getAccessToken\`, ` +
    `\`set\`), costs ${us(asyncToken)} by itself. A response interceptor, which the 401 ` +
    `handling needs, costs ${us(response)} even when it does nothing. The origin check reads ` +
    `the origin from the request config axios has already merged (\`url\` when absolute, else ` +
    `\`baseURL\`) through a cache; the first version called \`instance.getUri(config)\` and ` +
    `\`new URL\` on every request, which costs ${us(url)} (the row above) and held the adapter ` +
    `to 0.81 of bare axios.`
  );
}

function stepSection(result: OverheadResult, adapter: Adapter, baselineName: string): string[] {
  const s = steps(result, adapter);
  const { pair } = STEP_PAIRS[adapter];
  return [
    `**Where ${pair} spends its time** (ns per call, tinybench median of samples of 100 calls; ` +
      `"instant" answers at once, so these are the client's own costs without the network):`,
    '',
    table(['step', 'ns per call'], s.rows),
    '',
    `${baselineName} costs this client process ${s.baselineCpu.toFixed(0)} µs of CPU per ` +
      `request (median of the throughput runs); ${pair} adds ${s.addedUs.toFixed(1)} µs, so a ` +
      `client bound by its own CPU would keep ${s.predicted.toFixed(3)} of its throughput. ` +
      findings(result, adapter),
    '',
  ];
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

function profileSection(result: OverheadResult): string[] {
  const lines: string[] = [];
  for (const [pair, profile] of Object.entries(result.profiles)) {
    const top = Object.entries(profile.byFunction).slice(0, 8);
    lines.push(
      `**${pair} under the profiler**: tokenkeeper's code (and what it calls, outside the HTTP ` +
        `client's request machinery) takes ${pct(profile.tokenkeeper)} of the client process's ` +
        `busy CPU (garbage collection, charged to nobody, ${pct(profile.gc)}; ` +
        `${profile.busyMs.toFixed(0)} ms of samples), so a client bound by its own CPU would keep ` +
        `${(1 - profile.tokenkeeper).toFixed(3)} of the baseline's throughput. By the tokenkeeper ` +
        `function nearest to each sample:`,
      '',
      table(
        ['tokenkeeper function (file)', 'share of busy CPU'],
        top.map(([name, share]) => [name, pct(share)]),
      ),
      '',
    );
  }
  return lines;
}

export function renderOverhead(result: OverheadResult): string {
  const { runs, seconds, concurrency, hotPathMs } = result.options;
  const hot = result.runs.map((run) => run.hotPath);
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
    ...stepSection(result, 'fetch', 'Raw fetch'),
    ...stepSection(result, 'axios', 'Bare axios'),
    ...profileSection(result),
    `**What the figures mean.** Requests per second through each client against the same ` +
      `node:http keep-alive server on 127.0.0.1, which runs in its own process and answers 200 ` +
      `with 17 bytes of JSON without checking anything, so whatever a client adds shows in full. ` +
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
      `6, ${hotPathMs} ms per task per run, median of samples of 1,000 calls). The step ` +
      `timings and the hot path run in a separate process from the throughput runs, and the ` +
      `profile in a third (V8's sampling profiler through node:inspector, 100 µs interval, ` +
      `${result.options.profileSeconds} s of the same closed loop per client), so none of them ` +
      `changes how the JIT compiles the code the throughput runs measure.`,
    '',
    'Rerun just this: `npm run bench -- overhead`',
  ].join('\n');
}
