import { OAuthError } from '../errors.js';

/** Parameters of a form or JSON body. A repeated form parameter becomes an array. */
export type BodyParams = Record<string, unknown>;

/** The default request body limit: 16 KiB is far above any legitimate request here. */
export const defaultMaxBodyBytes = 16 * 1024;

function tooLarge(limit: number): OAuthError {
  return new OAuthError('invalid_request', `request body exceeds ${limit} bytes`, { status: 413 });
}

/** Reads the body as UTF-8 text, refusing more than `limit` bytes without buffering them. */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new OAuthError('invalid_request', 'request body is not valid UTF-8');
  }
}

function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Reads `application/x-www-form-urlencoded` (RFC 6749's format) or `application/json`.
 * Anything else is 415; a malformed body is 400 `invalid_request`.
 */
export async function readParams(request: Request, limit: number): Promise<BodyParams> {
  const type = mediaType(request);
  if (type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
    throw new OAuthError(
      'invalid_request',
      'Content-Type must be application/x-www-form-urlencoded or application/json',
      { status: 415 },
    );
  }
  const text = await readBodyText(request, limit);
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new OAuthError('invalid_request', 'request body is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new OAuthError('invalid_request', 'request body must be a JSON object');
    }
    return parsed as BodyParams;
  }
  const params: BodyParams = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = params[key];
    params[key] = seen === undefined ? value : [seen, value].flat();
  }
  return params;
}

/** A string parameter or undefined; wrong types, repeats and oversize values are 400. */
export function optionalString(params: BodyParams, name: string, max = 4096): string | undefined {
  const value = Object.hasOwn(params, name) ? params[name] : undefined;
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) {
    throw new OAuthError('invalid_request', `parameter ${name} must not be repeated`);
  }
  if (typeof value !== 'string')
    throw new OAuthError('invalid_request', `${name} must be a string`);
  if (value.length > max) throw new OAuthError('invalid_request', `${name} is too long`);
  return value;
}

/** A required string parameter; missing is 400 `invalid_request`. */
export function requiredString(params: BodyParams, name: string, max = 4096): string {
  const value = optionalString(params, name, max);
  if (value === undefined) throw new OAuthError('invalid_request', `${name} is required`);
  return value;
}
