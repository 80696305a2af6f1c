import type { Verdict } from '../checks/verdict.js';

/** Terminal styling: ANSI colours when on, plain text when off. */
export interface Style {
  verdict(verdict: Verdict, text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const codes: Record<Verdict, string> = { fail: '31', warn: '33', pass: '32', skip: '90' };

export function createStyle(colour: boolean): Style {
  const wrap = (code: string, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    verdict: (verdict, text) => wrap(codes[verdict], text),
    dim: (text) => wrap('2', text),
    bold: (text) => wrap('1', text),
  };
}

/** Colours only at a terminal, and never with NO_COLOR set (https://no-color.org). */
export function wantsColour(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined>,
): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}
