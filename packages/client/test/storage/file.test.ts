import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, createSession, type SessionEvent, StorageError } from 'tokenkeeper';
import { createTokenEndpoint, createVirtualClock } from 'tokenkeeper/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileStorage } from '../../src/storage/file.js';
import { trackStorage } from './track.js';

const SESSION_KEY = 'tokenkeeper.session';
// Bytes that make the base64 forms differ: '+' and '/' in base64, '-' and '_' in base64url.
const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 251) % 256);
const KEY_BASE64 = Buffer.from(KEY).toString('base64');
const OTHER_KEY = Uint8Array.from({ length: 32 }, (_, i) => i);

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenkeeper-file-'));
  file = join(dir, 'session.json');
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

/** Whether `text` occurs in the error's message, stack or cause. */
function mentions(error: unknown, text: string): boolean {
  const e = error as Error & { cause?: unknown };
  return `${e.message}\n${e.stack}\n${String(e.cause)}`.includes(text);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return expect.fail('expected a throw');
}

describe('fileStorage: round trips', () => {
  it('stores, reads back, and treats a missing file or key as nothing stored', async () => {
    const storage = fileStorage(file, { key: KEY });
    expect(await storage.get(SESSION_KEY)).toBeUndefined();
    await storage.set(SESSION_KEY, '{"v":1,"accessToken":"at-secret-1"}');
    expect(await storage.get(SESSION_KEY)).toBe('{"v":1,"accessToken":"at-secret-1"}');
    expect(await storage.get('another')).toBeUndefined();
    // A new adapter (a restart) reads the same file.
    expect(await fileStorage(file, { key: KEY }).get(SESSION_KEY)).toBe(
      '{"v":1,"accessToken":"at-secret-1"}',
    );
  });

  it('keeps several keys side by side; delete removes one, then the file', async () => {
    const storage = fileStorage(file, { key: KEY });
    await storage.set('a', 'value a');
    await storage.set('b', 'value b ü 🔑');
    await storage.set('a', 'value a2');
    expect(await storage.get('a')).toBe('value a2');
    expect(await storage.get('b')).toBe('value b ü 🔑');
    await storage.delete('a');
    expect(await storage.get('a')).toBeUndefined();
    expect(await storage.get('b')).toBe('value b ü 🔑');
    await storage.delete('missing');
    expect(await storage.get('b')).toBe('value b ü 🔑');
    await storage.delete('b');
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    await storage.delete('b'); // deleting from a missing file is fine
  });

  it('writes mode 0600 files, replaces a wider pre-existing file, creates the directory 0700', async () => {
    await writeFile(file, 'old', { mode: 0o644 });
    const storage = fileStorage(file, { key: KEY });
    await storage.set(SESSION_KEY, 'x');
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const nested = join(dir, 'config', 'app', 'session.json');
    await fileStorage(nested, { key: KEY }).set(SESSION_KEY, 'y');
    expect((await stat(nested)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'config', 'app'))).mode & 0o777).toBe(0o700);
  });

  it('serializes concurrent writes: no entry is lost and no temp file is left', async () => {
    const storage = fileStorage(file, { key: KEY });
    await Promise.all(Array.from({ length: 25 }, (_, i) => storage.set(`key-${i}`, `value-${i}`)));
    const values = await Promise.all(Array.from({ length: 25 }, (_, i) => storage.get(`key-${i}`)));
    expect(values).toEqual(Array.from({ length: 25 }, (_, i) => `value-${i}`));
    // A set followed at once by a delete of the same key ends deleted (order kept).
    void storage.set('key-0', 'again');
    await storage.delete('key-0');
    expect(await storage.get('key-0')).toBeUndefined();
    expect(await readdir(dir)).toEqual(['session.json']);
  });

  it('a failed write rejects with StorageError and leaves no temp file', async () => {
    await writeFile(join(dir, 'not-a-dir'), '');
    const storage = fileStorage(join(dir, 'not-a-dir', 'session.json'), { key: KEY });
    const error = await rejection(storage.set(SESSION_KEY, 'at-secret-write'));
    expect(error).toBeInstanceOf(StorageError);
    expect(mentions(error, 'at-secret-write')).toBe(false);
    expect(await readdir(dir)).toEqual(['not-a-dir']);
  });

  it('the bytes on disk contain no token text', async () => {
    const server = createTokenEndpoint({ clock: createVirtualClock() });
    const login = server.login();
    const session = createSession({ storage: fileStorage(file, { key: KEY }) });
    await session.signIn(login);
    const bytes = await readFile(file);
    const text = bytes.toString('latin1');
    expect(text.length).toBeGreaterThan(100);
    expect(login.refresh_token).toBeTruthy();
    for (const secret of [login.access_token, login.refresh_token!]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(secret).toString('base64'));
    }
    expect(text).not.toContain('accessToken');
  });

  it('names its Node builtins statically: no computed import hides a module from bundlers', async () => {
    const source = await readFile(new URL('../../src/storage/file.ts', import.meta.url), 'utf8');
    expect(source).toMatch(/from 'node:fs\/promises'/);
    expect(source).not.toMatch(/import\(\s*[^'"\s]/);
    // The shared modules stay free of Node: browsers and React Native load them.
    for (const name of ['file-key.ts', 'envelope.ts', 'bytes.ts', 'serial.ts']) {
      const shared = await readFile(new URL(`../../src/storage/${name}`, import.meta.url), 'utf8');
      expect(shared).not.toMatch(/['"]node:/);
    }
  });
});

describe('fileStorage: the key', () => {
  async function written(): Promise<void> {
    await fileStorage(file, { key: KEY }).set(SESSION_KEY, 'secret value');
  }

  it('accepts 32 bytes as Uint8Array, Buffer, base64, unpadded base64, base64url, hex', async () => {
    await written();
    const forms: (Uint8Array | string)[] = [
      new Uint8Array(KEY),
      Buffer.from(KEY),
      KEY_BASE64,
      KEY_BASE64.replace(/=+$/, ''),
      Buffer.from(KEY).toString('base64url'),
      Buffer.from(KEY).toString('hex'),
      Buffer.from(KEY).toString('hex').toUpperCase(),
      ` ${KEY_BASE64}\n`,
    ];
    expect(KEY_BASE64).toMatch(/[+/]/);
    expect(Buffer.from(KEY).toString('base64url')).toMatch(/[-_]/);
    for (const key of forms) {
      expect(await fileStorage(file, { key }).get(SESSION_KEY)).toBe('secret value');
    }
  });

  it('copies the key: wiping the caller’s buffer afterwards changes nothing', async () => {
    const key = new Uint8Array(KEY);
    const storage = fileStorage(file, { key });
    key.fill(0);
    await storage.set(SESSION_KEY, 'v');
    expect(await fileStorage(file, { key: KEY }).get(SESSION_KEY)).toBe('v');
  });

  it('reads TOKENKEEPER_STORAGE_KEY when no key is passed; the option wins over it', async () => {
    await written();
    vi.stubEnv('TOKENKEEPER_STORAGE_KEY', KEY_BASE64);
    expect(await fileStorage(file).get(SESSION_KEY)).toBe('secret value');
    vi.stubEnv('TOKENKEEPER_STORAGE_KEY', Buffer.from(KEY).toString('hex'));
    expect(await fileStorage(file).get(SESSION_KEY)).toBe('secret value');
    vi.stubEnv('TOKENKEEPER_STORAGE_KEY', Buffer.from(OTHER_KEY).toString('base64'));
    expect(await fileStorage(file, { key: KEY }).get(SESSION_KEY)).toBe('secret value');
  });

  it('refuses a missing or malformed key with ConfigError at construction, never echoing it', () => {
    const saved = process.env.TOKENKEEPER_STORAGE_KEY;
    delete process.env.TOKENKEEPER_STORAGE_KEY;
    try {
      const missing = thrown(() => fileStorage(file));
      expect(missing).toBeInstanceOf(ConfigError);
      expect((missing as Error).message).toContain('TOKENKEEPER_STORAGE_KEY');
    } finally {
      if (saved !== undefined) process.env.TOKENKEEPER_STORAGE_KEY = saved;
    }
    const bad: [unknown, string][] = [
      [new Uint8Array(16), ''],
      [new Uint8Array(33), ''],
      [Buffer.from(KEY).subarray(0, 31).toString('base64'), 'short base64'],
      [Buffer.concat([Buffer.from(KEY), Buffer.from([1])]).toString('base64'), 'long base64'],
      [Buffer.from(KEY).toString('hex').slice(2), 'short hex'],
      ['correct horse battery staple, a passphrase', 'passphrase'],
      [`${KEY_BASE64.slice(0, 40)}!!!=`, 'invalid characters'],
      [`${KEY_BASE64.slice(0, 20)}-_${KEY_BASE64.slice(22)}`, 'mixed alphabets'],
      ['', 'empty'],
      [12345, 'number'],
      [KEY.buffer, 'ArrayBuffer'],
    ];
    for (const [key] of bad) {
      const error = thrown(() => fileStorage(file, { key: key as string }));
      expect(error).toBeInstanceOf(ConfigError);
      if (typeof key === 'string' && key.length > 8) expect(mentions(error, key)).toBe(false);
    }
    for (const env of ['', '   ', 'not-a-key-at-all-but-a-long-password-text']) {
      vi.stubEnv('TOKENKEEPER_STORAGE_KEY', env);
      const error = thrown(() => fileStorage(file));
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('TOKENKEEPER_STORAGE_KEY');
      if (env.trim()) expect(mentions(error, env)).toBe(false);
    }
    expect(thrown(() => fileStorage('', { key: KEY }))).toBeInstanceOf(ConfigError);
  });
});

describe('fileStorage: unreadable data signs the session out, once, without a crash', () => {
  type Doc = { v: unknown; entries: Record<string, { v: unknown; iv: string; ct: string }> };
  const readDoc = async () => JSON.parse(await readFile(file, 'utf8')) as Doc;
  const writeDoc = (doc: unknown) => writeFile(file, JSON.stringify(doc));
  const flip = (base64: string, index: (length: number) => number) => {
    const bytes = Buffer.from(base64, 'base64');
    const at = index(bytes.length);
    bytes[at] = bytes[at]! ^ 0x01;
    return bytes.toString('base64');
  };

  /** A file holding a real signed-in session (and a second entry), and its token texts. */
  async function signedInFile() {
    const server = createTokenEndpoint({ clock: createVirtualClock() });
    const login = server.login();
    const session = createSession({ storage: fileStorage(file, { key: KEY }) });
    await session.signIn(login);
    session.dispose();
    await fileStorage(file, { key: KEY }).set('other', '{"v":1,"accessToken":"at-other-entry"}');
    return [login.access_token, login.refresh_token!];
  }

  const tampers: [string, () => Promise<void>, Uint8Array?][] = [
    [
      'a flipped ciphertext byte',
      async () => {
        const doc = await readDoc();
        doc.entries[SESSION_KEY]!.ct = flip(doc.entries[SESSION_KEY]!.ct, (n) => n >> 1);
        await writeDoc(doc);
      },
    ],
    [
      'a flipped tag byte',
      async () => {
        const doc = await readDoc();
        doc.entries[SESSION_KEY]!.ct = flip(doc.entries[SESSION_KEY]!.ct, (n) => n - 1);
        await writeDoc(doc);
      },
    ],
    [
      'a flipped IV byte',
      async () => {
        const doc = await readDoc();
        doc.entries[SESSION_KEY]!.iv = flip(doc.entries[SESSION_KEY]!.iv, () => 0);
        await writeDoc(doc);
      },
    ],
    [
      'a truncated file',
      async () => {
        const bytes = await readFile(file);
        await writeFile(file, bytes.subarray(0, bytes.length >> 1));
      },
    ],
    ['an empty file', () => writeFile(file, '')],
    ['garbage', () => writeFile(file, crypto.getRandomValues(new Uint8Array(300)))],
    ['a wrong key', async () => {}, OTHER_KEY],
    [
      'an unknown envelope version',
      async () => {
        const doc = await readDoc();
        doc.entries[SESSION_KEY]!.v = 2;
        await writeDoc(doc);
      },
    ],
    [
      'an old envelope version',
      async () => {
        const doc = await readDoc();
        doc.entries[SESSION_KEY]!.v = 0;
        await writeDoc(doc);
      },
    ],
    [
      'an unknown file version',
      async () => {
        const doc = await readDoc();
        doc.v = 2;
        await writeDoc(doc);
      },
    ],
    [
      'entries swapped between keys',
      async () => {
        const doc = await readDoc();
        const mine = doc.entries[SESSION_KEY]!;
        doc.entries[SESSION_KEY] = doc.entries.other!;
        doc.entries.other = mine;
        await writeDoc(doc);
      },
    ],
  ];

  for (const [name, tamper, readKey] of tampers) {
    it(`${name}: get throws StorageError; a new session starts signed out with one storageError`, async () => {
      const secrets = await signedInFile();
      await tamper();
      const storage = fileStorage(file, { key: readKey ?? KEY });
      const error = await rejection(storage.get(SESSION_KEY));
      expect(error).toBeInstanceOf(StorageError);
      for (const secret of secrets) expect(mentions(error, secret)).toBe(false);

      const clock = createVirtualClock();
      const server = createTokenEndpoint({ clock });
      const tracked = trackStorage(fileStorage(file, { key: readKey ?? KEY }));
      const session = createSession({ storage: tracked.storage, refresh: server.refresh, clock });
      const events: SessionEvent[] = [];
      session.subscribe((event) => events.push(event));
      await session.ready();
      await tracked.idle();
      expect(session.getSnapshot().status).toBe('signedOut');
      const storageErrors = events.filter((e) => e.type === 'storageError');
      expect(storageErrors).toHaveLength(1);
      const reported = storageErrors[0]!.error;
      expect(reported).toBeInstanceOf(StorageError);
      for (const secret of secrets) expect(mentions(reported, secret)).toBe(false);
      await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT' });
      expect(server.refreshCount).toBe(0);
      // What could not be read is left alone (the right key may come back) ...
      expect(await rejection(storage.get(SESSION_KEY))).toBeInstanceOf(StorageError);
      // ... until a sign-in replaces it.
      await session.signIn({ access_token: 'at-after-tamper', expires_in: 600 });
      const fresh = await fileStorage(file, { key: readKey ?? KEY }).get(SESSION_KEY);
      expect(fresh).toContain('at-after-tamper');
      session.dispose();
    });
  }

  it('a plaintext record from before encryption is refused without quoting it', async () => {
    const record = JSON.stringify({ v: 1, accessToken: 'at-plaintext-secret', receivedAt: 1 });
    await writeFile(file, record);
    const error = await rejection(fileStorage(file, { key: KEY }).get(SESSION_KEY));
    expect(error).toBeInstanceOf(StorageError);
    expect(mentions(error, 'at-plaintext-secret')).toBe(false);
  });

  it('an unreadable file is replaced by the next write', async () => {
    await writeFile(file, 'garbage');
    const storage = fileStorage(file, { key: KEY });
    await storage.set(SESSION_KEY, 'fresh');
    expect(await storage.get(SESSION_KEY)).toBe('fresh');
  });
});
