import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  PromptCancelled,
  promptPassword,
  readPipedPassword,
} from '../../src/cli/password-input.js';

function terminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, raw: [] as boolean[] });
  const withRaw = Object.assign(input, { setRawMode: (mode: boolean) => input.raw.push(mode) });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => {
    shown += chunk.toString();
  });
  return { input: withRaw, output, shown: () => shown };
}

describe('--password-stdin', () => {
  it('from a pipe: removes one trailing newline, keeps the rest', async () => {
    expect(await readPipedPassword(Readable.from(['correct horse\n']))).toBe('correct horse');
    expect(await readPipedPassword(Readable.from(['a\r\n']))).toBe('a');
    expect(await readPipedPassword(Readable.from(['two\n\n']))).toBe('two\n');
  });

  it('from a pipe: reads at most 4 KiB', async () => {
    expect(
      await readPipedPassword(Readable.from(['x'.repeat(3000), 'y'.repeat(3000)])),
    ).toHaveLength(4096);
  });

  it('at a terminal: prompts on stderr without echo, Backspace edits, raw mode is restored', async () => {
    const tty = terminal();
    const answer = promptPassword(tty.input, tty.output);
    tty.input.write('ab\u007fc\r');
    expect(await answer).toBe('ac');
    expect(tty.shown()).toBe('password: \n');
    expect(tty.input.raw).toEqual([true, false]);
  });

  it('at a terminal: Ctrl-C cancels', async () => {
    const tty = terminal();
    const answer = promptPassword(tty.input, tty.output);
    tty.input.write('se\u0003');
    await expect(answer).rejects.toBeInstanceOf(PromptCancelled);
    expect(tty.input.raw).toEqual([true, false]);
  });
});
