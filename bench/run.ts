/**
 * `npm run bench [-- overhead|storm|steady|server ...]`: runs the named benchmarks (all by
 * default), saves each result under results/, and regenerates RESULTS.md from every saved
 * result. `BENCH_QUICK=1` makes a one-minute smoke run that writes RESULTS.quick.md instead.
 * `npm run bench -- report` only regenerates RESULTS.md from the saved results.
 */
import { describeMachine } from './machine.js';
import { runOverhead } from './overhead.js';
import { writeResults } from './report.js';
import { type BenchmarkResult, loadResults, saveResult } from './results-file.js';
import { runServer } from './server.js';
import { type BenchmarkName, benchmarkNames, settingsFor } from './settings.js';
import { runSteady } from './steady.js';
import { runStorm } from './storm.js';

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (line: string) => process.stderr.write(`[bench ${elapsed()}] ${line}\n`);

function requested(args: readonly string[]): BenchmarkName[] {
  if (args.length === 1 && args[0] === 'report') return [];
  const unknown = args.filter((arg) => !(benchmarkNames as readonly string[]).includes(arg));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark ${unknown.join(', ')}; choose from ${benchmarkNames.join(', ')} (or report)\n`,
    );
    process.exit(2);
  }
  return args.length === 0 ? [...benchmarkNames] : (args as BenchmarkName[]);
}

const settings = settingsFor();
const runners: Record<BenchmarkName, () => Promise<BenchmarkResult>> = {
  overhead: () => runOverhead(settings.overhead),
  storm: () => runStorm({ ...settings.storm, log }),
  steady: () => runSteady({ ...settings.steady, log }),
  server: () => runServer({ ...settings.server, log }),
};

for (const name of requested(process.argv.slice(2))) {
  const machine = describeMachine();
  const t0 = performance.now();
  log(`${name}: starting${settings.quick ? ' (quick)' : ''}`);
  if (name === 'server' && !settings.server.databaseUrl) {
    log('server: skipped: DATABASE_URL not set (PostgreSQL rows)');
  }
  const result = await runners[name]();
  const seconds = (performance.now() - t0) / 1000;
  saveResult({
    name,
    date: new Date().toISOString(),
    seconds,
    quick: settings.quick,
    machine,
    result,
  });
  log(`${name}: done in ${seconds.toFixed(0)} s`);
}
const file = writeResults(loadResults(settings.quick), settings.quick);
log(`wrote ${file}`);
