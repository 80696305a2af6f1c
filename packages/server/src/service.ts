import { randomBytes, randomUUID } from 'node:crypto';
import { signAccessToken } from './access-token.js';
import { systemClock } from './clock.js';
import { parseDuration } from './duration.js';
import { BearerError, ConfigError, OAuthError } from './errors.js';
import { type KeyRing, loadKeyRing, parseServerSecret } from './keys.js';
import { resolveLifetimes } from './lifetimes.js';
import { scryptHasher } from './password.js';
import {
  decodeRefreshToken,
  encodeRefreshToken,
  macEquals,
  type RefreshTokenParts,
  refreshMacRoot,
  refreshTokenMac,
} from './refresh-token.js';
import { decideRefresh, type Presentation } from './rotation.js';
import type {
  RequestContext,
  TokenResponse,
  TokenService,
  TokenServiceOptions,
} from './service-types.js';
import type { AuditEntry, FamilyRecord } from './store/records.js';
import type { StoreOperations } from './store/store.js';
import { addUser, maxPasswordLength, normalizeUsername } from './users.js';
import { createAccessTokenVerifier, isSessionId } from './verify.js';

export type {
  IntrospectionResponse,
  LoginInput,
  RequestContext,
  TokenResponse,
  TokenService,
  TokenServiceOptions,
} from './service-types.js';

/** Thrown inside the rotation transaction to undo a fast-path rotation whose MAC was wrong. */
class ForgedToken extends Error {}

type Outcome = { ok: true; response: TokenResponse } | { ok: false; description: string };

/** Creates the service: loads (or creates) the signing key from the store. */
export async function createTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const { store, issuer, audience } = options;
  if (!issuer || !audience) throw new ConfigError('issuer and audience are required');
  const clock = options.clock ?? systemClock;
  if (options.secret === undefined && store.persistent) {
    // A random secret would seal the stored signing key and key every refresh-token MAC
    // under a value the next start cannot know: the restart fails, every session is lost.
    throw new ConfigError(
      'a server secret is required with a persistent store (set TOKENKEEPER_SECRET, or pass secret); only an in-memory store may use a random one',
    );
  }
  const secret = parseServerSecret(options.secret ?? randomBytes(32));
  const macRoot = refreshMacRoot(secret);
  const lifetimes = resolveLifetimes(options.lifetimes);
  const reuseGraceMs = parseDuration(options.reuseGrace ?? '10s', 'reuse grace');
  const sliding = options.sliding ?? false;
  const checkSession = sliding || (options.checkSession ?? false);
  const touchIntervalMs = parseDuration(options.touchInterval ?? '5s', 'touch interval');
  const hasher = options.passwordHasher ?? scryptHasher(options.passwordHashing);
  const minPasswordLength = options.minPasswordLength ?? 8;
  const keys: KeyRing = await loadKeyRing({
    store,
    secret,
    ...(options.signingKey !== undefined ? { signingKey: options.signingKey } : {}),
  });
  // A hash to check unknown users' passwords against, so they cost the same as known ones.
  const decoyHash = await hasher.hash(randomBytes(16).toString('base64url'));
  // Sliding sessions: when this instance last wrote each session's idle deadline.
  const touched = new Map<string, number>();

  const macFor = (family: FamilyRecord, generation: number) =>
    refreshTokenMac(macRoot, family.id, family.secret, generation);

  const audit = (tx: StoreOperations, context: RequestContext, entry: Omit<AuditEntry, 'at'>) =>
    tx.insertAudit({
      at: clock.now(),
      ip: context.ip ?? null,
      userAgent: context.userAgent ?? null,
      requestId: context.requestId ?? null,
      ...entry,
    });

  const familyAudit = (family: FamilyRecord, generation: number) => ({
    familyId: family.id,
    generation,
    clientType: family.clientType,
    userId: family.userId,
  });

  /** Mints the token response for `family` at its current generation. */
  const issue = async (family: FamilyRecord, now: number): Promise<TokenResponse> => {
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
  };

  /** Loads the family a refresh token names, if its MAC is genuine. */
  const authenticRefresh = async (
    tx: StoreOperations,
    parts: RefreshTokenParts,
  ): Promise<FamilyRecord | undefined> => {
    const family = await tx.getFamily(parts.familyId);
    if (!family) return undefined;
    return macEquals(macFor(family, parts.generation), parts.mac) ? family : undefined;
  };

  /**
   * The refresh after the one rotating statement found nothing to rotate: the token is not the
   * current generation, or the family is revoked or past a deadline. Reads the family once and
   * answers the pure decision; nothing here rotates.
   */
  const settle = async (
    tx: StoreOperations,
    parts: RefreshTokenParts,
    context: RequestContext,
    presented: Presentation,
  ): Promise<Outcome> => {
    const fail = (description: string): Outcome => ({ ok: false, description });
    const { now } = presented;
    const family = await authenticRefresh(tx, parts);
    if (!family) {
      await audit(tx, context, { outcome: 'rejected', detail: 'unknown_token' });
      return fail('refresh token is invalid');
    }
    const decision = decideRefresh(family, presented, reuseGraceMs);
    const facts = familyAudit(family, parts.generation);
    switch (decision.kind) {
      case 'rotate':
        // rotateCurrent refused a family that this later read (same transaction, READ
        // COMMITTED, rows only move forward) finds current and alive: a store fault.
        throw new Error('the conditional rotation refused a current, live family');
      case 'replay':
        await audit(tx, context, { outcome: 'grace_replay', ...facts });
        return { ok: true, response: await issue(family, now) };
      case 'lost_race':
        await audit(tx, context, { outcome: 'rejected', ...facts, detail: 'lost_race' });
        return fail('refresh token was rotated by a concurrent request');
      case 'reuse':
        if (!(await tx.revokeFamily(family.id, now, 'reuse'))) {
          // A concurrent request revoked it between the read and now, and owns that row.
          await audit(tx, context, { outcome: 'rejected', ...facts, detail: 'family_revoked' });
          return fail('the session has been revoked');
        }
        await audit(tx, context, {
          outcome: 'reuse_revoked',
          ...facts,
          detail: `current_generation=${family.generation}`,
        });
        return fail('refresh token was already used; the session has been revoked');
      case 'revoked':
        await audit(tx, context, { outcome: 'rejected', ...facts, detail: 'family_revoked' });
        return fail('the session has been revoked');
      case 'expired':
        await audit(tx, context, { outcome: 'expired', ...facts, detail: decision.which });
        return fail('the session has expired');
      case 'future':
        await audit(tx, context, { outcome: 'rejected', ...facts, detail: 'future_generation' });
        return fail('refresh token is invalid');
    }
  };

  const service: TokenService = {
    store,
    issuer,
    audience,
    settings: { lifetimes, reuseGraceMs, sliding, checkSession, touchIntervalMs },

    async login(input, context = {}) {
      const clientType = input.clientType ?? 'web';
      const username = normalizeUsername(input.username);
      if (!username) throw new OAuthError('invalid_request', 'username is malformed');
      if (input.password.length === 0 || input.password.length > maxPasswordLength) {
        throw new OAuthError('invalid_request', 'password is malformed');
      }
      const user = await store.findUserByName(username);
      // Unknown users cost one scrypt too, and get the same answer as a wrong password.
      const matches = await hasher.verify(input.password, user?.passwordHash ?? decoyHash);
      if (!user || !matches) {
        await audit(store, context, {
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
        await audit(tx, context, { outcome: 'login', ...familyAudit(family, 1) });
        return issue(family, now);
      });
    },

    async refresh(refreshToken, context = {}) {
      // When this presentation began: a rotation whose time is not earlier than this happened
      // while it was in flight, so losing to it is a race, not reuse.
      const startedAt = clock.now();
      const parts = decodeRefreshToken(refreshToken);
      let outcome: Outcome;
      try {
        outcome = await store.transaction(async (tx): Promise<Outcome> => {
          if (!parts) {
            await audit(tx, context, { outcome: 'rejected', detail: 'malformed_token' });
            return { ok: false, description: 'refresh token is invalid' };
          }
          // The one place that rotates: one statement advances the generation and writes the
          // audit row; the MAC is checked on the row it returns, and a mismatch rolls the whole
          // transaction back. Anything else (replay, reuse, expiry) is settled by a read.
          // The rotation's time is read here, as close to its commit as it can be, so that
          // requests still in flight when it commits count as having begun before it.
          const now = clock.now();
          const moved = await tx.rotateCurrent({
            id: parts.familyId,
            from: parts.generation,
            now,
            ip: context.ip ?? null,
            userAgent: context.userAgent ?? null,
            requestId: context.requestId ?? null,
          });
          if (moved) {
            if (!macEquals(macFor(moved, parts.generation), parts.mac)) throw new ForgedToken();
            return { ok: true, response: await issue(moved, now) };
          }
          return settle(tx, parts, context, {
            generation: parts.generation,
            startedAt,
            now,
          });
        });
      } catch (error) {
        if (!(error instanceof ForgedToken)) throw error;
        await audit(store, context, { outcome: 'rejected', detail: 'unknown_token' });
        outcome = { ok: false, description: 'refresh token is invalid' };
      }
      // Thrown after COMMIT: a reuse revocation and its audit row stay although this fails.
      if (!outcome.ok) throw new OAuthError('invalid_grant', outcome.description);
      return outcome.response;
    },

    async revoke(token, context = {}) {
      const parts = decodeRefreshToken(token);
      let familyId: string | undefined;
      if (parts) {
        familyId = (await authenticRefresh(store, parts))?.id;
      } else if (token.split('.').length === 3) {
        try {
          familyId = (await accessVerifier.verifyAccessToken(token)).sid;
        } catch (error) {
          if (!(error instanceof BearerError)) throw error;
        }
      }
      if (!familyId) return;
      const id = familyId;
      await store.transaction(async (tx) => {
        const now = clock.now();
        const changed = await tx.revokeFamily(id, now, 'revoked');
        const family = await tx.getFamily(id);
        if (!family) throw new Error('token family disappeared during revocation');
        await audit(tx, context, {
          outcome: 'revoke',
          ...familyAudit(family, parts?.generation ?? family.generation),
          detail: changed ? null : 'already_revoked',
        });
      });
    },

    async introspect(token) {
      const now = clock.now();
      const parts = decodeRefreshToken(token);
      if (parts) {
        const family = await authenticRefresh(store, parts);
        if (!family) return { active: false };
        const presented = { generation: parts.generation, startedAt: now, now };
        const decision = decideRefresh(family, presented, reuseGraceMs);
        if (decision.kind !== 'rotate' && decision.kind !== 'replay') return { active: false };
        return {
          active: true,
          token_use: 'refresh_token',
          iss: issuer,
          sub: family.userId,
          client_id: family.clientType,
          client_type: family.clientType,
          sid: family.id,
          ...(family.scope ? { scope: family.scope } : {}),
          exp: Math.floor(Math.min(family.idleExpiresAt, family.absoluteExpiresAt) / 1000),
          iat: Math.floor(family.rotatedAt / 1000),
        };
      }
      try {
        const claims = await introspectionVerifier.verifyAccessToken(token);
        return { active: true, token_use: 'access_token', token_type: 'Bearer', ...claims };
      } catch (error) {
        if (error instanceof BearerError) return { active: false };
        throw error;
      }
    },

    verifyAccessToken: (token) => accessVerifier.verifyAccessToken(token),
    get verifier() {
      return accessVerifier;
    },

    async checkSession(sid, { extend }) {
      if (!isSessionId(sid)) return false;
      const now = clock.now();
      if (extend && sliding) {
        const last = touched.get(sid);
        if (last === undefined || now - last >= touchIntervalMs) {
          const notTouchedSince = now - touchIntervalMs;
          if (await store.touchFamily({ id: sid, now, notTouchedSince })) {
            if (touched.size >= 50_000) touched.clear();
            touched.set(sid, now);
            return true;
          }
        }
      }
      const family = await store.getFamily(sid);
      return (
        family !== undefined &&
        family.revokedAt === null &&
        now < family.idleExpiresAt &&
        now < family.absoluteExpiresAt
      );
    },

    users: {
      add: (username, password, opts = {}) =>
        addUser(store, username, password, {
          ...opts,
          passwordHasher: hasher,
          minPasswordLength,
          now: clock.now(),
        }),
    },

    audit: (opts) => store.listAudit(opts),
    jwks: () => keys.jwks(),
  };

  const verifierBase = {
    issuer,
    audience,
    keys: keys.getVerificationKey,
    clock,
    ...(options.clockTolerance !== undefined ? { clockTolerance: options.clockTolerance } : {}),
  };
  const accessVerifier = createAccessTokenVerifier({
    ...verifierBase,
    ...(checkSession ? { session: service, sliding } : {}),
  });
  // Introspection always asks the session, and never extends it.
  const introspectionVerifier = createAccessTokenVerifier({ ...verifierBase, session: service });
  return service;
}
