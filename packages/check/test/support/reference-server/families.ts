import { randomBytes } from 'node:crypto';
import type { Mistake } from './mistakes.js';

/** One signed-in session: a chain of refresh tokens. */
interface Family {
  readonly id: string;
  readonly user: string;
  current: string;
  /** The immediate predecessor of `current`, while `current` has not been used. */
  previous?: string;
  rotatedAt: number;
  revoked: boolean;
  /** The tokens of the last answer (what a swallowed error hands back). */
  last?: { accessToken: string; refreshToken: string };
}

/** What a refresh presentation comes to. */
export type RefreshVerdict =
  | { kind: 'issue'; family: Family; refreshToken: string }
  | { kind: 'refuse'; description: string }
  | { kind: 'stale'; accessToken: string; refreshToken: string };

/**
 * The reference rotation rule: every use of the current token rotates it; the immediate
 * predecessor gets the same successor until that successor is used; anything older (or the
 * predecessor afterwards) revokes the family. `mistake` bends exactly one part of it.
 */
export function createFamilies(mistake: Mistake | undefined, graceMs: number) {
  const families = new Map<string, Family>();
  const byToken = new Map<string, Family>();
  const newToken = () => `ref_${randomBytes(24).toString('base64url')}`;

  function open(user: string): { family: Family; refreshToken: string } {
    const token = newToken();
    const family: Family = {
      id: randomBytes(8).toString('hex'),
      user,
      current: token,
      rotatedAt: 0,
      revoked: false,
    };
    families.set(family.id, family);
    byToken.set(token, family);
    return { family, refreshToken: token };
  }

  function refresh(token: string, now: number): RefreshVerdict {
    const family = byToken.get(token);
    if (!family) return { kind: 'refuse', description: 'unknown refresh token' };
    if (family.revoked) {
      if (mistake === 'swallowed-refresh-error' && family.last)
        return { kind: 'stale', ...family.last };
      return { kind: 'refuse', description: 'the session was revoked' };
    }
    if (token === family.current) {
      if (mistake === 'no-rotation') return { kind: 'issue', family, refreshToken: token };
      const next = newToken();
      byToken.set(next, family);
      family.previous = token;
      family.current = next;
      family.rotatedAt = now;
      return { kind: 'issue', family, refreshToken: next };
    }
    if (token === family.previous && mistake !== 'no-reuse-detection') {
      if (mistake !== 'grace-mints-second-successor')
        return { kind: 'issue', family, refreshToken: family.current };
      if (now - family.rotatedAt < graceMs) {
        // The mistake: a second live successor, beside the first.
        const sibling = newToken();
        byToken.set(sibling, { ...family, current: sibling, previous: undefined });
        return { kind: 'issue', family, refreshToken: sibling };
      }
    }
    if (mistake === 'no-reuse-detection')
      return { kind: 'refuse', description: 'refresh token was rotated' };
    family.revoked = true;
    return { kind: 'refuse', description: 'refresh token reused: the session is revoked' };
  }

  return {
    open,
    refresh,
    remember(family: Family, tokens: { accessToken: string; refreshToken: string }) {
      family.last = tokens;
    },
    revokeByToken(token: string): void {
      const family = byToken.get(token);
      if (family && mistake !== 'revocation-does-nothing') family.revoked = true;
    },
    revokeById(id: string): void {
      const family = families.get(id);
      if (family && mistake !== 'revocation-does-nothing') family.revoked = true;
    },
    isAlive: (id: string) => families.get(id)?.revoked === false,
    /** Sessions not revoked. */
    openCount: () => [...families.values()].filter((family) => !family.revoked).length,
  };
}
