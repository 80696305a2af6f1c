/** Reads the password for --password-stdin: from a pipe, or at a terminal with echo off. */

const MAX = 4096;

/** Ctrl-C at the password prompt: the CLI exits 130, as a shell does for an interrupt. */
export class PromptCancelled extends Error {
  override readonly name = 'PromptCancelled';
  constructor() {
    super('cancelled at the password prompt');
  }
}

interface Input extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** From a pipe: at most 4 KiB, one trailing newline removed. */
export async function readPipedPassword(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.length > MAX) break;
  }
  return text.slice(0, MAX).replace(/\r?\n$/, '');
}

/** At a terminal: a prompt on stderr, no echo; Backspace edits, Ctrl-C rejects. */
export function promptPassword(stdin: Input, stderr: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    stderr.write('password: ');
    stdin.setRawMode?.(true);
    stdin.resume();
    const finish = (error?: Error) => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new PromptCancelled());
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else if (value.length < MAX) value += char;
      }
    };
    stdin.on('data', onData);
  });
}
