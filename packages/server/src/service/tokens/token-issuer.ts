import type { StoreOperations } from '../../store/operations.js';
import type { FamilyRecord } from '../../store/records.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { TokenResponse } from '../types.js';
import {
  encodeRefreshToken,
  macEquals,
  type RefreshTokenParts,
  refreshMacRoot,
  refreshTokenMac,
} from './refresh-token.js';
import { signAccessToken } from './sign-access-token.js';

/** Mints token responses for families and authenticates presented refresh tokens. */
export interface TokenIssuer {
  /** The token response for `family` at its current generation. */
  issue(family: FamilyRecord, now: number): Promise<TokenResponse>;
  /** True when `parts` carry the genuine MAC of `family` at their generation (constant time). */
  isGenuine(family: FamilyRecord, parts: RefreshTokenParts): boolean;
  /** Loads the family a refresh token names, if its MAC is genuine. */
  authenticate(tx: StoreOperations, parts: RefreshTokenParts): Promise<FamilyRecord | undefined>;
}

export function createTokenIssuer(input: {
  keys: KeyRing;
  secret: Uint8Array;
  issuer: string;
  audience: string;
}): TokenIssuer {
  const { keys, issuer, audience } = input;
  const macRoot = refreshMacRoot(input.secret);
  const macFor = (family: FamilyRecord, generation: number) =>
    refreshTokenMac(macRoot, family.id, family.secret, generation);
  const isGenuine = (family: FamilyRecord, parts: RefreshTokenParts) =>
    family.id === parts.familyId && macEquals(macFor(family, parts.generation), parts.mac);
  return {
    isGenuine,
    async issue(family, now) {
      const access = await signAccessToken(keys.signingKey, {
        issuer,
        audience,
        subject: family.userId,
        sessionId: family.id,
        clientType: family.clientType,
        scope: family.scope,
        issuedAtMs: now,
        // An access token never outlives its session's absolute deadline.
        expiresAtMs: Math.min(now + family.accessTtlMs, family.absoluteExpiresAt),
      });
      const refresh = encodeRefreshToken({
        familyId: family.id,
        generation: family.generation,
        mac: macFor(family, family.generation),
      });
      return {
        access_token: access.token,
        token_type: 'Bearer',
        expires_in: access.expiresIn,
        refresh_token: refresh,
        ...(family.scope ? { scope: family.scope } : {}),
      };
    },
    async authenticate(tx, parts) {
      const family = await tx.getFamily(parts.familyId);
      return family && isGenuine(family, parts) ? family : undefined;
    },
  };
}
