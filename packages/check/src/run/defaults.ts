/** Defaults of the audit's options, in one place for the CLI help and the API docs. */
export const defaults = {
  maxSessions: 12,
  maxWaitMs: 60_000,
  lostResponsePauseMs: 15_000,
  concurrency: 10,
  timeoutMs: 10_000,
  /** Requests per second, on average. */
  rate: 10,
  commandTimeoutMs: 30_000,
  clientType: 'web',
} as const;
