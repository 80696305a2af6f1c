/**
 * Each benchmark's last result, kept as JSON under results/ (results/quick/ for smoke runs), so
 * running one benchmark regenerates RESULTS.md with the others' last figures beside it.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Machine } from './machine.js';
import type { OverheadResult } from './overhead.js';
import type { ServerResult } from './server.js';
import type { BenchmarkName } from './settings.js';
import type { SteadyResult } from './steady.js';
import type { StormResult } from './storm.js';

export type BenchmarkResult = OverheadResult | StormResult | SteadyResult | ServerResult;

export interface SavedResult {
  readonly name: BenchmarkName;
  /** ISO time the benchmark finished. */
  readonly date: string;
  /** Seconds it took. */
  readonly seconds: number;
  readonly quick: boolean;
  readonly machine: Machine;
  readonly result: BenchmarkResult;
}

export function resultsDir(quick: boolean): string {
  return fileURLToPath(new URL(quick ? './results/quick/' : './results/', import.meta.url));
}

/** JSON laid out as the repository's formatter (biome) would: short arrays on one line. */
export function formatJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2).replace(
    /\[\n\s*([^[\]{}]*?)\n\s*\]/g,
    (whole, items: string) => {
      const inline = `[${items.split(/,\n\s*/).join(', ')}]`;
      return inline.length <= 60 ? inline : whole;
    },
  );
  return `${text}\n`;
}

export function saveResult(saved: SavedResult): void {
  const dir = resultsDir(saved.quick);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${saved.name}.json`), formatJson(saved));
}

export function loadResults(quick: boolean): SavedResult[] {
  const dir = resultsDir(quick);
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  return files.map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as SavedResult);
}
