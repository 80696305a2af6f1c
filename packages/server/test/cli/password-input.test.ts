import { describe, expect, it } from 'vitest';
import { readPasswordFromPipe, typePassword } from '../../src/cli/password-input.js';

describe('typePassword (raw-mode keystrokes, pure)', () => {
  it('collects characters until Enter', () => {
    expect(typePassword('', 'abc')).toEqual({ state: 'typing', text: 'abc' });
    expect(typePassword('abc', 'd\r')).toEqual({ state: 'done', text: 'abcd' });
    expect(typePassword('', 'pässwörd 🔑\n')).toEqual({ state: 'done', text: 'pässwörd 🔑' });
  });

  it('handles Backspace (both codes, whole characters), Ctrl-U and arrow keys', () => {
    expect(typePassword('', 'abx\u007fc\r')).toEqual({ state: 'done', text: 'abc' });
    expect(typePassword('', 'ab\bc\r')).toEqual({ state: 'done', text: 'ac' });
    expect(typePassword('a🔑', '\u007f\r')).toEqual({ state: 'done', text: 'a' });
    expect(typePassword('', '\u007f\u007fx\r')).toEqual({ state: 'done', text: 'x' });
    expect(typePassword('secret', '\u0015new\r')).toEqual({ state: 'done', text: 'new' });
    expect(typePassword('', 'a\u001b[Db\u001b[1;5C\r')).toEqual({ state: 'done', text: 'ab' });
  });

  it('cancels on Ctrl-C, and on Ctrl-D only when nothing was typed', () => {
    expect(typePassword('half', '\u0003')).toEqual({ state: 'cancelled' });
    expect(typePassword('', '\u0004')).toEqual({ state: 'cancelled' });
    expect(typePassword('pw', '\u0004')).toEqual({ state: 'done', text: 'pw' });
  });

  it('stops at 1 KiB', () => {
    expect(typePassword('', 'a'.repeat(1024))).toEqual({ state: 'typing', text: 'a'.repeat(1024) });
    expect(typePassword('a'.repeat(1024), 'b')).toEqual({ state: 'too_long' });
  });
});

describe('readPasswordFromPipe', () => {
  async function* chunks(...parts: (string | Buffer)[]) {
    for (const part of parts) yield Buffer.from(part);
  }

  it('strips exactly one trailing newline and keeps everything else', async () => {
    expect(await readPasswordFromPipe(chunks('pass word  \n'))).toBe('pass word  ');
    expect(await readPasswordFromPipe(chunks('pass\r\n'))).toBe('pass');
    expect(await readPasswordFromPipe(chunks('pa', 'ss\n\n'))).toBe('pass\n');
    const key = Buffer.from('🔑');
    // A character split between two reads is decoded whole.
    expect(await readPasswordFromPipe(chunks(key.subarray(0, 2), key.subarray(2)))).toBe('🔑');
  });

  it('stops reading after 1 KiB instead of buffering the whole stream', async () => {
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield Buffer.alloc(512, 'a');
      }
    }
    await expect(readPasswordFromPipe(endless())).rejects.toThrow(/longer than 1024 bytes/);
    expect(pulled).toBe(3);
    expect(await readPasswordFromPipe(chunks(`${'a'.repeat(1024)}\n`))).toHaveLength(1024);
  });
});
