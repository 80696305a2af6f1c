import type { SessionEvent } from './events.js';
import { redactText, redactValue } from './redact.js';

/**
 * Where the session reports what it does. Every method is optional; `console` fits. Lines carry
 * fingerprints only; as a second line of defence, any current token text that reaches a message
 * or a field is replaced by its fingerprint before the logger sees it.
 */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type Log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/** Wraps a logger so that the secrets returned by `secrets()` never reach it. */
export function redactingLog(logger: Logger | undefined, secrets: () => string[]): Log {
  if (!logger) return () => {};
  return (level, message, fields) => {
    const sink = logger[level];
    if (!sink) return;
    const known = secrets();
    const safeFields = fields && (redactValue(fields, known) as Record<string, unknown>);
    sink.call(logger, redactText(message, known), safeFields);
  };
}

/** The fields a session event is logged with (an error as its kind, not its object). */
export function eventFields(event: SessionEvent): Record<string, unknown> {
  if (event.type === 'refreshFailed') {
    return {
      reason: event.reason,
      kind: event.error.kind,
      attempt: event.attempt,
      retryAt: event.retryAt,
    };
  }
  if (event.type === 'storageError') return { message: event.error.message };
  return { ...event };
}
