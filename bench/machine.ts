/**
 * Where and with what a run happened: CPU, cores, memory, load, Node, and the versions of the
 * packages measured, read from the installed node_modules (not from package.json ranges).
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average when the benchmark started: other work on the machine. */
  readonly loadAverage: number;
  readonly versions: Record<string, string>;
}

export const MEASURED_PACKAGES = [
  'tokenkeeper',
  'tokenkeeper-server',
  'axios',
  'axios-auth-refresh',
  'ky',
  'tinybench',
  'pg',
  '@electric-sql/pglite',
  'jose',
  'tsx',
] as const;

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

/** The version Node's resolution from bench/ would load: bench/node_modules, then upwards. */
export function installedVersion(name: string): string {
  for (let dir = BENCH_DIR; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) return 'not installed';
  }
}

export function describeMachine(): Machine {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    versions: Object.fromEntries(MEASURED_PACKAGES.map((name) => [name, installedVersion(name)])),
  };
}
