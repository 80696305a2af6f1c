/**
 * The session's record in storage, with every write in call order: a slow write can never land
 * after a later delete and resurrect a session.
 */
import { StorageError } from '../errors.js';
import type { Log } from '../logger.js';
import type { Tokens } from '../tokens/types.js';
import { decodeRecord, type StoredSession } from './record.js';
import type { SessionStorage } from './types.js';

export interface SessionStore {
  /** Queues a write of `value`, or a delete when undefined. */
  write(value: string | undefined): void;
  /** Queues a delete that only happens if storage still holds these tokens. */
  clearIfHeld(tokens: Tokens): void;
  read(): Promise<StoredSession | undefined>;
  /** Stored tokens that differ from (and are no older than) `base`: another tab's work. */
  newerThan(base: Tokens): Promise<StoredSession | undefined>;
  /** Resolves when every queued write has finished. */
  settled(): Promise<void>;
}

export function createSessionStore(options: {
  storage: SessionStorage;
  key: string;
  log: Log;
  /** Called with each write that failed. */
  onWriteError(error: StorageError): void;
}): SessionStore {
  const { storage, key, log } = options;
  let chain: Promise<void> = Promise.resolve();
  const read = async (): Promise<StoredSession | undefined> => {
    const text = await storage.get(key);
    return text === null || text === undefined ? undefined : decodeRecord(text);
  };
  return {
    write(value) {
      chain = chain.then(async () => {
        try {
          if (value === undefined) await storage.delete(key);
          else await storage.set(key, value);
        } catch (cause) {
          const error =
            cause instanceof StorageError
              ? cause
              : new StorageError('Saving the session failed', { cause });
          log('error', 'session storage write failed', { error });
          options.onWriteError(error);
        }
      });
    },
    clearIfHeld(tokens) {
      chain = chain.then(async () => {
        try {
          const stored = await read();
          if (stored?.tokens.accessToken === tokens.accessToken) await storage.delete(key);
        } catch (error) {
          log('warn', 'could not check storage after another tab ended the session', { error });
        }
      });
    },
    read,
    async newerThan(base) {
      try {
        const stored = await read();
        const t = stored?.tokens;
        if (!t || t.accessToken === base.accessToken || t.receivedAt < base.receivedAt)
          return undefined;
        return stored;
      } catch (error) {
        log('warn', 'storage unreadable while checking for newer tokens', { error });
        return undefined;
      }
    },
    settled: () => chain,
  };
}
