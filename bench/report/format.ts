/** Numbers and Markdown tables for RESULTS.md. */
import type { Spread } from '../stats.js';

const grouping = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1,234` / `0.97`: thousands separators, `digits` decimals. */
export function num(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  const text =
    digits === 0
      ? grouping.format(Math.round(value))
      : value.toLocaleString('en-US', {
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
        });
  return text.replace(/^-/, '−');
}

/** `median [min to max]`, or just the median when every run gave the same value. */
export function cell(s: Spread, digits = 0): string {
  if (s.runs === 0) return '–';
  const median = num(s.median, digits);
  const min = num(s.min, digits);
  const max = num(s.max, digits);
  return min === max ? median : `${median} [${min} to ${max}]`;
}

/** A GitHub-flavoured Markdown table; columns after the first are right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escapePipes = (text: string) => text.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(escapePipes).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** One aim of the issue and whether the run met it. */
export interface Aim {
  readonly aim: string;
  readonly result: string;
  readonly met: boolean;
}
