/** The fields of an RFC 6749 §5.1 token response that the checks read. */
export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Seconds, as the server advertised it. */
  readonly expiresIn?: number;
  readonly tokenType?: string;
  /** Seconds, when the server advertises it (`refresh_expires_in` or `refresh_token_expires_in`). */
  readonly refreshExpiresIn?: number;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function seconds(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** The token set in a response body, or undefined when it has no string `access_token`. */
export function parseTokenResponse(text: string): TokenSet | undefined {
  const body = parseJsonObject(text);
  if (!body || typeof body.access_token !== 'string' || body.access_token === '') return undefined;
  const refreshExpiresIn = seconds(body.refresh_expires_in ?? body.refresh_token_expires_in);
  const expiresIn = seconds(body.expires_in);
  return {
    accessToken: body.access_token,
    ...(typeof body.refresh_token === 'string' && body.refresh_token !== ''
      ? { refreshToken: body.refresh_token }
      : {}),
    ...(expiresIn === undefined ? {} : { expiresIn }),
    ...(typeof body.token_type === 'string' ? { tokenType: body.token_type } : {}),
    ...(refreshExpiresIn === undefined ? {} : { refreshExpiresIn }),
  };
}

/** An RFC 6749 §5.2 error body, as far as it is one. */
export interface ErrorBody {
  /** The body parsed as a JSON object. */
  readonly json: boolean;
  /** The `error` member, when it is a string. */
  readonly error?: string;
}

export function parseErrorBody(text: string): ErrorBody {
  const body = parseJsonObject(text);
  if (!body) return { json: false };
  return typeof body.error === 'string' ? { json: true, error: body.error } : { json: true };
}
