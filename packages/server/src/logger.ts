import { redact } from './redact.js';

/** Where the server writes operational events. Fields are plain JSON values. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Describes an error for a log line: name, code and message, with anything token-shaped removed. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      ...(typeof code === 'string' ? { code } : {}),
      message: redact(error.message),
      stack: error.stack ? redact(error.stack) : undefined,
    };
  }
  return { message: redact(String(error)) };
}

/**
 * A logger that writes one JSON object per line to `write` (stderr by default). Strings in the
 * message and fields pass through {@link redact} on the way out.
 */
export function createJsonLogger(
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>) => {
    const record = { time: new Date().toISOString(), level, message, ...fields };
    write(`${redact(JSON.stringify(record))}\n`);
  };
  return {
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

/** A logger that drops everything; for tests that assert on behaviour, not output. */
export const silentLogger: Logger = Object.freeze({
  info: () => {},
  warn: () => {},
  error: () => {},
});
