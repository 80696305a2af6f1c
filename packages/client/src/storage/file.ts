/// <reference types="node" />
/**
 * `fileStorage`: the session in an encrypted file, for Node (CLIs, desktop apps, servers that
 * act for a user). Node only: it is reached through `tokenkeeper/storage/file` alone, never
 * from the root entry, so browser and React Native bundles never see a Node builtin.
 */
import { type FileHandle, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, StorageError } from '../errors.js';
import { fromBase64, toBase64 } from './bytes.js';
import { type Envelope, nameOf, readEnvelope, seal, unseal, webCrypto } from './envelope.js';
import { resolveFileKey } from './file-key.js';
import { createSerial } from './serial.js';
import type { SessionStorage } from './types.js';

/** Options of {@link fileStorage}. */
export interface FileStorageOptions {
  /**
   * The AES-256 key: 32 bytes as a `Uint8Array`, or as a base64, base64url or hex string.
   * Keep it out of the file's directory (an OS keychain, a secrets manager, the environment).
   * Create one with `openssl rand -base64 32`.
   * @default process.env.TOKENKEEPER_STORAGE_KEY
   * @example { key: process.env.MY_APP_TOKEN_KEY }
   */
  key?: Uint8Array | string;
}

/** The file's layout: one encrypted envelope per storage key. */
const FILE_VERSION = 1;

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The parsed file: entries by storage key, each still encrypted. */
type Entries = Map<string, unknown>;

function parseFile(text: string, file: string): Entries {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new StorageError(`Session file ${file} is not readable (corrupt or truncated)`, {
      cause: nameOf(cause),
    });
  }
  const { v, entries } = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    v?: unknown;
    entries?: unknown;
  };
  if (v !== FILE_VERSION || typeof entries !== 'object' || entries === null) {
    throw new StorageError(`Session file ${file} has an unknown format or version`);
  }
  return new Map(Object.entries(entries));
}

function serializeFile(entries: Entries): string {
  return `${JSON.stringify({ v: FILE_VERSION, entries: Object.fromEntries(entries) })}\n`;
}

function envelopeToJson(envelope: Envelope): unknown {
  return { v: envelope.v, iv: toBase64(envelope.iv), ct: toBase64(envelope.ct) };
}

function base64Field(field: unknown): Uint8Array<ArrayBuffer> | undefined {
  return typeof field === 'string' ? fromBase64(field) : undefined;
}

function randomSuffix(webcrypto: Crypto): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Makes a rename durable: the directory entry is flushed too. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch (cause) {
    // Windows cannot open a directory (EISDIR, EPERM), nor can a process without read access
    // to it (EACCES): the rename is done, and as durable as the platform allows.
    if (['EISDIR', 'EPERM', 'EACCES'].includes(errorCode(cause) ?? '')) return;
    throw cause;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Temp files are named after the writing process, `.<file>.<pid>.<random>.tmp`, so that one
 * left behind by a process killed mid-write can be told from a write in flight elsewhere.
 */
const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === 'EPERM';
  }
}

/** Removes the temp files of this session file whose writer is gone (killed mid-write). */
async function removeOrphanedTemps(file: string): Promise<void> {
  const dir = dirname(file);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return; // no directory yet (or unreadable): nothing to clean, the write will say why
  }
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (!match || match[1] !== basename(file)) continue;
    const pid = Number(match[2]);
    if (pid === process.pid || alive(pid)) continue;
    await unlink(join(dir, name)).catch(() => undefined); // another process cleaned it first
  }
}

/** Writes `text` to `file` atomically: temp file (0600) in the same directory, fsync, rename. */
async function writeAtomically(webcrypto: Crypto, file: string, text: string) {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomSuffix(webcrypto)}.tmp`);
  let created = false;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const handle = await open(temp, 'wx', 0o600);
    created = true;
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    created = false;
    await syncDirectory(dir);
  } catch (cause) {
    let left = '';
    if (created) {
      left = await unlink(temp).then(
        () => '',
        () => `; the temp file ${temp} was left behind`,
      );
    }
    throw new StorageError(`Writing session file ${file} failed${left}`, { cause });
  }
}

async function removeFile(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (cause) {
    if (errorCode(cause) !== 'ENOENT') {
      throw new StorageError(`Removing session file ${file} failed`, { cause });
    }
  }
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    if (errorCode(cause) === 'ENOENT') return undefined;
    throw new StorageError(`Reading session file ${file} failed`, { cause });
  }
}

/** Reads the entries for a write; an unreadable file is replaced rather than kept. */
async function entriesForWrite(file: string): Promise<Entries> {
  const text = await readText(file);
  if (text === undefined) return new Map();
  try {
    return parseFile(text, file);
  } catch (error) {
    // A corrupt or foreign file holds nothing this adapter can read back: start afresh.
    if (error instanceof StorageError) return new Map();
    throw error;
  }
}

/**
 * Stores the session in one JSON file (mode 0600) that holds an AES-256-GCM envelope per storage
 * key; each envelope is bound to its key, so entries cannot be swapped. Writes are atomic (a temp
 * file in the same directory, fsync, rename) and run one at a time per adapter; the directory is
 * created (mode 0700) when missing. Uses WebCrypto (`globalThis.crypto`, Node 20+). Temp files
 * left by a process killed mid-write are removed when the adapter is first used.
 *
 * A missing file means nothing is stored. A file that is corrupt, truncated, in an unknown format,
 * or encrypted with another key makes `get` throw a `StorageError` (the session starts signed out
 * and emits `storageError`); the next write replaces an unreadable file.
 *
 * One process should write a file at a time: two processes that write different keys of the same
 * file concurrently may drop each other's entry (the file itself is never torn).
 *
 * @param path The file, e.g. `~/.config/my-cli/session.json` expanded to an absolute path.
 * @throws ConfigError when the key is missing or not 32 bytes, or WebCrypto is unavailable.
 * @example
 * import { createSession, oauth2Refresh } from 'tokenkeeper';
 * import { fileStorage } from 'tokenkeeper/storage/file';
 *
 * const session = createSession({
 *   refresh: oauth2Refresh({ tokenEndpoint: 'https://auth.example.com/oauth/token' }),
 *   storage: fileStorage('/home/me/.config/my-cli/session.json'), // key from TOKENKEEPER_STORAGE_KEY
 * });
 */
export function fileStorage(path: string, options: FileStorageOptions = {}): SessionStorage {
  if (typeof path !== 'string' || path === '') {
    throw new ConfigError('fileStorage: path must be a non-empty string');
  }
  const keyBytes = resolveFileKey(options.key);
  const found = webCrypto();
  if (!found) {
    throw new ConfigError('fileStorage needs WebCrypto (globalThis.crypto.subtle, Node 20+)');
  }
  const webcrypto: Crypto = found;
  const serial = createSerial();
  const file = resolve(path);
  let ready: Promise<CryptoKey> | undefined;

  function setup(): Promise<CryptoKey> {
    ready ??= (async () => {
      await removeOrphanedTemps(file);
      return webcrypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
    })();
    return ready;
  }

  return {
    get: (storageKey) =>
      serial(async () => {
        const key = await setup();
        const text = await readText(file);
        if (text === undefined) return undefined;
        const raw = parseFile(text, file).get(storageKey);
        if (raw === undefined) return undefined;
        return unseal(key, storageKey, readEnvelope(raw, base64Field));
      }),
    set: (storageKey, value) =>
      serial(async () => {
        const key = await setup();
        const entries = await entriesForWrite(file);
        entries.set(storageKey, envelopeToJson(await seal(key, storageKey, value)));
        await writeAtomically(webcrypto, file, serializeFile(entries));
      }),
    delete: (storageKey) =>
      serial(async () => {
        await setup();
        const entries = await entriesForWrite(file);
        const existed = entries.delete(storageKey);
        if (entries.size === 0) await removeFile(file);
        else if (existed) await writeAtomically(webcrypto, file, serializeFile(entries));
      }),
  };
}
