import { fingerprint } from 'tokenkeeper';

/** Which transport authenticated with which token (fingerprint) and when: what tests assert on. */
export interface AuthRecord {
  readonly transport: 'http' | 'graphql' | 'graphql-ws' | 'ws' | 'socket.io';
  readonly fingerprint: string;
  readonly at: number;
  readonly accepted: boolean;
}

export interface AuthLog {
  readonly records: readonly AuthRecord[];
  record(transport: AuthRecord['transport'], token: string, at: number, accepted: boolean): void;
  listen(listener: (record: AuthRecord) => void): () => void;
}

export function createAuthLog(limit = 10_000): AuthLog {
  const records: AuthRecord[] = [];
  const listeners = new Set<(record: AuthRecord) => void>();
  return {
    records,
    record(transport, token, at, accepted) {
      const entry = { transport, fingerprint: fingerprint(token), at, accepted };
      records.push(entry);
      if (records.length > limit) records.splice(0, records.length - limit);
      for (const listener of [...listeners]) listener(entry);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
