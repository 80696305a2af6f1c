/**
 * `fileStorage`: the session in an encrypted file, for Node (CLIs, desktop apps, servers that
 * act for a user). Node modules are loaded on first use, so this file can sit in a bundle that
 * browsers and React Native also load.
 */
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

interface FileHandle {
  writeFile(data: string, encoding: 'utf8'): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

interface NodeFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  open(path: string, flags: string, mode?: number): Promise<FileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>;
}

interface NodePath {
  resolve(path: string): string;
  dirname(path: string): string;
  basename(path: string): string;
  join(...parts: string[]): string;
}

interface Node {
  fs: NodeFs;
  path: NodePath;
}

async function loadNode(): Promise<Node> {
  // Computed specifiers: bundlers for browsers and React Native leave these imports alone
  // instead of failing to resolve a Node builtin that only this adapter needs.
  const fsName = 'node:fs/promises';
  const pathName = 'node:path';
  const [fs, path] = await Promise.all([
    import(/* webpackIgnore: true */ /* @vite-ignore */ fsName) as Promise<NodeFs>,
    import(/* webpackIgnore: true */ /* @vite-ignore */ pathName) as Promise<NodePath>,
  ]);
  return { fs, path };
}

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
async function syncDirectory(fs: NodeFs, dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await fs.open(dir, 'r');
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

/** Writes `text` to `file` atomically: temp file (0600) in the same directory, fsync, rename. */
async function writeAtomically(node: Node, webcrypto: Crypto, file: string, text: string) {
  const { fs, path } = node;
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomSuffix(webcrypto)}.tmp`);
  let created = false;
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const handle = await fs.open(temp, 'wx', 0o600);
    created = true;
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
    created = false;
    await syncDirectory(fs, dir);
  } catch (cause) {
    let left = '';
    if (created) {
      left = await fs.unlink(temp).then(
        () => '',
        () => `; the temp file ${temp} was left behind`,
      );
    }
    throw new StorageError(`Writing session file ${file} failed${left}`, { cause });
  }
}

async function removeFile(fs: NodeFs, file: string): Promise<void> {
  try {
    await fs.unlink(file);
  } catch (cause) {
    if (errorCode(cause) !== 'ENOENT') {
      throw new StorageError(`Removing session file ${file} failed`, { cause });
    }
  }
}

async function readText(fs: NodeFs, file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (cause) {
    if (errorCode(cause) === 'ENOENT') return undefined;
    throw new StorageError(`Reading session file ${file} failed`, { cause });
  }
}

/** Reads the entries for a write; an unreadable file is replaced rather than kept. */
async function entriesForWrite(fs: NodeFs, file: string): Promise<Entries> {
  const text = await readText(fs, file);
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
 * created (mode 0700) when missing. Uses WebCrypto (`globalThis.crypto`, Node 20+).
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
  let ready: Promise<{ node: Node; key: CryptoKey; file: string }> | undefined;

  function setup() {
    ready ??= (async () => {
      let node: Node;
      try {
        node = await loadNode();
      } catch (cause) {
        throw new StorageError('fileStorage needs Node (node:fs is not available here)', {
          cause: nameOf(cause),
        });
      }
      const key = await webcrypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, [
        'encrypt',
        'decrypt',
      ]);
      return { node, key, file: node.path.resolve(path) };
    })();
    return ready;
  }

  return {
    get: (storageKey) =>
      serial(async () => {
        const { node, key, file } = await setup();
        const text = await readText(node.fs, file);
        if (text === undefined) return undefined;
        const raw = parseFile(text, file).get(storageKey);
        if (raw === undefined) return undefined;
        return unseal(key, storageKey, readEnvelope(raw, base64Field));
      }),
    set: (storageKey, value) =>
      serial(async () => {
        const { node, key, file } = await setup();
        const entries = await entriesForWrite(node.fs, file);
        entries.set(storageKey, envelopeToJson(await seal(key, storageKey, value)));
        await writeAtomically(node, webcrypto, file, serializeFile(entries));
      }),
    delete: (storageKey) =>
      serial(async () => {
        const { node, file } = await setup();
        const entries = await entriesForWrite(node.fs, file);
        const existed = entries.delete(storageKey);
        if (entries.size === 0) await removeFile(node.fs, file);
        else if (existed) await writeAtomically(node, webcrypto, file, serializeFile(entries));
      }),
  };
}
