import { ConfigError } from '../errors.js';

/** The most bytes of password read from a terminal or a pipe (a newline after it is allowed). */
export const maxPasswordInputBytes = 1024;

/** Where typing a password stands after a chunk of keystrokes. */
export type PasswordEntry =
  | { readonly state: 'typing'; readonly text: string }
  | { readonly state: 'done'; readonly text: string }
  | { readonly state: 'cancelled' }
  | { readonly state: 'too_long' };

/**
 * Applies keystrokes read in raw mode (no echo) to the password typed so far: Enter ends it,
 * Backspace deletes a character, Ctrl-U clears the line, Ctrl-C cancels, Ctrl-D on an empty
 * line cancels and otherwise ends it; escape sequences (arrow keys) and other control
 * characters are ignored. Pure, so it is tested without a terminal.
 */
export function typePassword(text: string, keys: string): PasswordEntry {
  let typed = text;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? '';
    const code = key.charCodeAt(0);
    if (key === '\r' || key === '\n') return { state: 'done', text: typed };
    if (key === '\u0003') return { state: 'cancelled' };
    if (key === '\u0004') return typed ? { state: 'done', text: typed } : { state: 'cancelled' };
    if (key === '\u007f' || key === '\b') {
      typed = Array.from(typed).slice(0, -1).join('');
    } else if (key === '\u0015') {
      typed = '';
    } else if (key === '\u001b') {
      // CSI sequences: ESC [ parameters final-byte (e.g. arrows ESC [ A); a lone ESC is dropped.
      if (keys[i + 1] === '[') {
        i += 2;
        while (i < keys.length && !/[@-~]/.test(keys[i] ?? '')) i++;
      }
    } else if (code >= 0x20) {
      typed += key;
      if (Buffer.byteLength(typed) > maxPasswordInputBytes) return { state: 'too_long' };
    }
  }
  return { state: 'typing', text: typed };
}

/** Reading a password was cancelled at the terminal (Ctrl-C). */
export class PasswordEntryCancelled extends Error {
  override readonly name = 'PasswordEntryCancelled';
}

const tooLong = () => new ConfigError(`the password is longer than ${maxPasswordInputBytes} bytes`);

/** Reads a password from a terminal with echo off; `prompt` goes to `output`. */
export function readPasswordFromTerminal(
  input: NodeJS.ReadStream,
  output: NodeJS.WritableStream,
  prompt = 'Password: ',
): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (settle: () => void) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      settle();
    };
    const onData = (chunk: string) => {
      const entry = typePassword(text, chunk);
      switch (entry.state) {
        case 'typing':
          text = entry.text;
          return;
        case 'done':
          return finish(() => resolve(entry.text));
        case 'cancelled':
          return finish(() => reject(new PasswordEntryCancelled('password entry cancelled')));
        case 'too_long':
          return finish(() => reject(tooLong()));
      }
    };
    // Raw mode before the prompt: nothing typed after the prompt is ever echoed.
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
    output.write(prompt);
  });
}

/**
 * Reads a password from a pipe or file: at most {@link maxPasswordInputBytes} bytes (plus one
 * trailing newline, which is removed), never the whole stream.
 */
export async function readPasswordFromPipe(input: AsyncIterable<unknown>): Promise<string> {
  const limit = maxPasswordInputBytes + 2; // room for a trailing \r\n
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const bytes = Buffer.from(chunk as Uint8Array);
    chunks.push(bytes);
    size += bytes.length;
    // Leaving the loop destroys the stream: nothing more is read.
    if (size > limit) throw tooLong();
  }
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (Buffer.byteLength(text) > maxPasswordInputBytes) throw tooLong();
  return text;
}
