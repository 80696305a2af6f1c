/**
 * The key of `fileStorage`: 32 bytes (AES-256), given as bytes or as base64, base64url or hex
 * text. Messages say what is wrong with a key, never what it is.
 */
import { ConfigError } from '../errors.js';
import { fromBase64, fromHex } from './bytes.js';

export const KEY_BYTES = 32;
export const KEY_ENV = 'TOKENKEEPER_STORAGE_KEY';

const HOW =
  `${KEY_BYTES} random bytes as base64, base64url or hex ` +
  '(e.g. the output of `openssl rand -base64 32`), or a Uint8Array of 32 bytes';

function environment(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[
    name
  ];
}

/** Reads the key from the option or, when there is none, from `TOKENKEEPER_STORAGE_KEY`. */
export function resolveFileKey(option: unknown): Uint8Array<ArrayBuffer> {
  if (option !== undefined) return parseFileKey(option, 'the key option');
  const text = environment(KEY_ENV);
  if (text === undefined || text.trim() === '') {
    throw new ConfigError(`fileStorage needs a key: pass { key } or set ${KEY_ENV} to ${HOW}`);
  }
  return parseFileKey(text, KEY_ENV);
}

function parseFileKey(value: unknown, source: string): Uint8Array<ArrayBuffer> {
  if (value instanceof Uint8Array) {
    if (value.length !== KEY_BYTES) {
      throw new ConfigError(
        `fileStorage: ${source} has ${value.length} bytes; AES-256 needs ${KEY_BYTES}`,
      );
    }
    return new Uint8Array(value); // a copy: the caller may reuse or wipe its buffer
  }
  if (typeof value !== 'string') {
    throw new ConfigError(`fileStorage: ${source} must be ${HOW}`);
  }
  const text = value.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(text) ? fromHex(text) : fromBase64(text);
  if (bytes?.length !== KEY_BYTES) {
    throw new ConfigError(`fileStorage: ${source} is not ${HOW}`);
  }
  return bytes;
}
