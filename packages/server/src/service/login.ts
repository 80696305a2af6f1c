import { randomBytes, randomUUID } from 'node:crypto';
import { OAuthError } from '../errors.js';
import type { FamilyRecord } from '../store/records.js';
import { familyFacts } from './audit-writer.js';
import type { ServiceContext } from './context.js';
import type { LoginInput, RequestContext, TokenResponse } from './types.js';
import { maxPasswordLength, normalizeUsername } from './users.js';

/** Password login: checks the credentials and starts a family (a session). */
export type Login = (input: LoginInput, context?: RequestContext) => Promise<TokenResponse>;

export async function createLogin(ctx: ServiceContext): Promise<Login> {
  const { store, settings, tokens, audit } = ctx;
  const { hasher, clock, lifetimes } = settings;
  // A hash to check unknown users' passwords against, so they cost the same as known ones.
  const decoyHash = await hasher.hash(randomBytes(16).toString('base64url'));

  return async (input, context = {}) => {
    const clientType = input.clientType ?? 'web';
    const username = normalizeUsername(input.username);
    if (!username) throw new OAuthError('invalid_request', 'username is malformed');
    if (input.password.length === 0 || input.password.length > maxPasswordLength) {
      throw new OAuthError('invalid_request', 'password is malformed');
    }
    const user = await store.findUserByName(username);
    // Unknown users cost one hash too, and get the same answer as a wrong password.
    const matches = await hasher.verify(input.password, user?.passwordHash ?? decoyHash);
    if (!user || !matches) {
      await audit.write(store, context, {
        outcome: 'rejected',
        clientType,
        detail: 'invalid_credentials',
      });
      throw new OAuthError('invalid_grant', 'invalid username or password');
    }
    const now = clock.now();
    const life = lifetimes[clientType];
    const family: FamilyRecord = {
      id: randomUUID(),
      userId: user.id,
      clientType,
      scope: user.scopes,
      secret: randomBytes(32),
      generation: 1,
      createdAt: now,
      rotatedAt: now,
      lastUsedAt: now,
      idleExpiresAt: now + life.idleTimeout,
      absoluteExpiresAt: now + life.absoluteTimeout,
      accessTtlMs: life.accessTtl,
      idleTimeoutMs: life.idleTimeout,
      revokedAt: null,
      revokedReason: null,
    };
    return store.transaction(async (tx) => {
      await tx.insertFamily(family);
      await audit.write(tx, context, { outcome: 'login', ...familyFacts(family, 1) });
      return tokens.issue(family, now);
    });
  };
}
