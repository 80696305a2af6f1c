/**
 * The encrypted form of one stored value: AES-256-GCM with a fresh 96-bit IV per write, and the
 * envelope version plus the storage key as additional authenticated data, so a ciphertext
 * copied to another key, or relabelled with another version, fails authentication.
 * Shared by `webStorage` (bytes in IndexedDB) and `fileStorage` (base64 in a JSON file).
 */
import { StorageError } from '../errors.js';

export const ENVELOPE_VERSION = 1;

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Envelope {
  readonly v: typeof ENVELOPE_VERSION;
  readonly iv: Uint8Array<ArrayBuffer>;
  /** Ciphertext followed by the 128-bit GCM tag. */
  readonly ct: Uint8Array<ArrayBuffer>;
}

export const AES_GCM_KEY: AesKeyGenParams = { name: 'AES-GCM', length: 256 };

function additionalData(storageKey: string): Uint8Array<ArrayBuffer> {
  // The NUL keeps "version|key" unambiguous whatever the key contains.
  return new TextEncoder().encode(`tokenkeeper.envelope.v${ENVELOPE_VERSION}\u0000${storageKey}`);
}

/** The platform's WebCrypto, when it has one with `subtle` (browsers: secure contexts only). */
export function webCrypto(): Crypto | undefined {
  const found = (globalThis as { crypto?: Crypto }).crypto;
  return found?.subtle ? found : undefined;
}

function requireCrypto(): Crypto {
  const found = webCrypto();
  if (!found) throw new StorageError('WebCrypto (crypto.subtle) is not available');
  return found;
}

/** Encrypts `plaintext` for `storageKey`. */
export async function seal(
  key: CryptoKey,
  storageKey: string,
  plaintext: string,
): Promise<Envelope> {
  try {
    const webcrypto = requireCrypto();
    const iv = webcrypto.getRandomValues(new Uint8Array(IV_BYTES));
    const ct = await webcrypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: additionalData(storageKey) },
      key,
      new TextEncoder().encode(plaintext),
    );
    return { v: ENVELOPE_VERSION, iv, ct: new Uint8Array(ct) };
  } catch (cause) {
    if (cause instanceof StorageError) throw cause;
    throw new StorageError('Encrypting the session failed', { cause: nameOf(cause) });
  }
}

/** Decrypts an envelope stored under `storageKey`; a StorageError when it does not authenticate. */
export async function unseal(
  key: CryptoKey,
  storageKey: string,
  envelope: Envelope,
): Promise<string> {
  let plain: ArrayBuffer;
  try {
    plain = await requireCrypto().subtle.decrypt(
      { name: 'AES-GCM', iv: envelope.iv, additionalData: additionalData(storageKey) },
      key,
      envelope.ct,
    );
  } catch (cause) {
    if (cause instanceof StorageError) throw cause;
    throw new StorageError(
      'Stored session could not be decrypted: wrong key, or the data was altered or moved',
      { cause: nameOf(cause) },
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch (cause) {
    throw new StorageError('Stored session is not text', { cause: nameOf(cause) });
  }
}

/**
 * Checks the shape and version of a stored envelope. `bytes` turns the adapter's field encoding
 * (bytes in IndexedDB, base64 in a file) into bytes, or undefined when it is not one.
 */
export function readEnvelope(
  raw: unknown,
  bytes: (field: unknown) => Uint8Array<ArrayBuffer> | undefined,
): Envelope {
  if (typeof raw !== 'object' || raw === null) {
    throw new StorageError('Stored session is not an encrypted envelope');
  }
  const { v, iv, ct } = raw as { v?: unknown; iv?: unknown; ct?: unknown };
  if (v !== ENVELOPE_VERSION) {
    throw new StorageError('Stored session has an unknown envelope version');
  }
  const ivBytes = bytes(iv);
  const ctBytes = bytes(ct);
  if (ivBytes?.length !== IV_BYTES || ctBytes === undefined || ctBytes.length < TAG_BYTES) {
    throw new StorageError('Stored session envelope is malformed or truncated');
  }
  return { v, iv: ivBytes, ct: ctBytes };
}

// Causes keep the error's name only: platform messages may quote input.
export function nameOf(cause: unknown): string {
  const name = (cause as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? name : 'Error';
}
