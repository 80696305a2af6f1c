import { base64UrlToBytes, utf8ToString } from './base64url.js';

export interface JwtTimes {
  exp?: number;
  iat?: number;
}

/**
 * Reads `exp` and `iat` from a JWT's payload WITHOUT verifying it: only to schedule a refresh.
 * Returns undefined for opaque tokens or anything that does not decode. Needs no platform
 * globals, so it works on Hermes too.
 */
export function decodeJwtTimes(token: string): JwtTimes | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(utf8ToString(base64UrlToBytes(parts[1])));
    if (typeof payload !== 'object' || payload === null) return undefined;
    const { exp, iat } = payload as Record<string, unknown>;
    const times: JwtTimes = {};
    if (typeof exp === 'number' && Number.isFinite(exp)) times.exp = exp;
    if (typeof iat === 'number' && Number.isFinite(iat)) times.iat = iat;
    return times;
  } catch {
    // Not a JWT after all (opaque token with dots): there is simply no expiry to read.
    return undefined;
  }
}

/** The access token's expiry on this device's clock, read from its JWT `exp`. */
export function expiryFromJwt(
  token: string,
  receivedAt: number,
  serverTime?: number,
): number | undefined {
  const times = decodeJwtTimes(token);
  if (times?.exp === undefined) return undefined;
  const expMs = times.exp * 1000;
  // Prefer durations measured on the server's own clock, re-based on our receipt time, so a
  // device clock that is minutes off does not move the refresh.
  if (serverTime !== undefined) return receivedAt + (expMs - serverTime);
  if (times.iat !== undefined) return receivedAt + (expMs - times.iat * 1000);
  return expMs;
}
