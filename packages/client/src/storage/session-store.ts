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
  /** Queues again the last write that failed, unless a later write replaced it. */
  retryFailed(): void;
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
  /** The last write that failed (a value, or null for a delete), while nothing replaced it. */
  let failed: string | null | undefined;
  const read = async (): Promise<StoredSession | undefined> => {
    const text = await storage.get(key);
    return text === null || text === undefined ? undefined : decodeRecord(text);
  };
  let latest = 0;
  function write(value: string | undefined): void {
    const id = ++latest;
    failed = undefined;
    chain = chain.then(async () => {
      try {
        if (value === undefined) await storage.delete(key);
        else await storage.set(key, value);
      } catch (cause) {
        // Only the newest write is worth repeating: an older one would resurrect old tokens.
        if (id === latest) failed = value ?? null;
        const error =
          cause instanceof StorageError
            ? cause
            : new StorageError('Saving the session failed', { cause });
        log('error', 'session storage write failed', { error });
        options.onWriteError(error);
      }
    });
  }
  return {
    write,
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
    retryFailed() {
      if (failed !== undefined) write(failed ?? undefined);
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
