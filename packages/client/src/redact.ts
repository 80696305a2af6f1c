/**
 * Fingerprints stand in for tokens wherever something is shown, logged or emitted. A fingerprint
 * is stable for a token (so tabs, logs and servers can be compared) but reveals nothing useful
 * about it: 64 bits of a non-cryptographic hash of a high-entropy secret.
 */

function fnv1a32(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A short, stable, non-reversible label for a token, such as `tk_1f3a9c0e77d2b410`.
 * @example logger.info('refreshed', { token: fingerprint(accessToken) })
 */
export function fingerprint(token: string): string {
  const a = fnv1a32(token, 0x811c9dc5).toString(16).padStart(8, '0');
  const b = fnv1a32(token, 0x9747b28c).toString(16).padStart(8, '0');
  return `tk_${a}${b}`;
}

/** Replaces every occurrence of each secret in `text` by its fingerprint. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8 && out.includes(secret))
      out = out.split(secret).join(fingerprint(secret));
  }
  return out;
}

/** Deep-copies plain data with every secret string replaced by its fingerprint. */
export function redactValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message, secrets) };
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactValue(item, secrets, depth + 1);
  return out;
}

/** Each secret plus its URL-encoded form (a form body or a query string quotes it that way). */
function withEncodings(secrets: readonly string[]): string[] {
  const all = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    all.add(secret);
    all.add(encodeURIComponent(secret));
  }
  return [...all];
}

/**
 * A copy of an error thrown by user code (a refresh function, an HTTP client) that is safe to
 * keep as the `cause` of our errors: name, message and stack with every secret replaced by its
 * fingerprint, a numeric `status` if there was one, and the cause chain treated the same way.
 * Never the original object: its own properties (an HTTP client's request config, a response
 * body) can hold a token in ways no scan can be trusted to find.
 */
export function sanitizeError(error: unknown, secrets: readonly string[], depth = 0): unknown {
  const known = withEncodings(secrets);
  if (!(error instanceof Error)) {
    return typeof error === 'string'
      ? redactText(error, known)
      : error === undefined
        ? undefined
        : '[non-error value]';
  }
  const copy = new Error(redactText(error.message, known));
  copy.name = error.name;
  copy.stack = redactText(error.stack ?? '', known);
  const status =
    (error as { status?: unknown; response?: { status?: unknown } }).status ??
    (error as { response?: { status?: unknown } }).response?.status;
  if (typeof status === 'number')
    Object.defineProperty(copy, 'status', { value: status, enumerable: true });
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined && depth < 4) {
    Object.defineProperty(copy, 'cause', {
      value: sanitizeError(cause, secrets, depth + 1),
      enumerable: false,
    });
  }
  return copy;
}
