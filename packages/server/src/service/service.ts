import { createAccessTokenVerifier } from '../verify/verifier.js';
import { createAuditWriter } from './audit-writer.js';
import type { ServiceContext } from './context.js';
import { createIntrospect } from './introspect.js';
import { loadKeyRing } from './keys/key-ring.js';
import { createLogin } from './login.js';
import { createRefresh } from './refresh/grant.js';
import { createRevoke } from './revoke.js';
import { createSessionChecker } from './session-checker.js';
import { resolveServiceSettings } from './settings.js';
import { createTokenIssuer } from './tokens/token-issuer.js';
import type { TokenService, TokenServiceOptions } from './types.js';
import { addUser } from './users.js';

/**
 * Creates the service: checks the options, loads (or on first start creates) the signing key
 * from the store, and wires one module per operation (login.ts, refresh/grant.ts, revoke.ts,
 * introspect.ts, session-checker.ts).
 */
export async function createTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const { store } = options;
  const settings = resolveServiceSettings(options);
  const { issuer, audience, clock, secret } = settings;
  const keys = await loadKeyRing({
    store,
    secret,
    ...(options.signingKey !== undefined ? { signingKey: options.signingKey } : {}),
  });
  const ctx: ServiceContext = {
    store,
    settings,
    tokens: createTokenIssuer({ keys, secret, issuer, audience }),
    audit: createAuditWriter(clock),
  };
  const sessions = createSessionChecker(store, settings);
  const verifierBase = {
    issuer,
    audience,
    keys: keys.getVerificationKey,
    clock,
    ...(settings.clockTolerance !== undefined ? { clockTolerance: settings.clockTolerance } : {}),
  };
  const accessVerifier = createAccessTokenVerifier({
    ...verifierBase,
    ...(settings.checkSession ? { session: sessions, sliding: settings.sliding } : {}),
  });
  // Introspection always asks the session, and never extends it.
  const introspectionVerifier = createAccessTokenVerifier({ ...verifierBase, session: sessions });
  // Revocation needs only the token's own word for its family: asking the session would extend
  // a sliding one, and refuse (so ignore) a family that is already revoked or gone.
  const revocationVerifier = createAccessTokenVerifier(verifierBase);
  const { lifetimes, reuseGraceMs, sliding, checkSession, touchIntervalMs } = settings;

  return {
    store,
    issuer,
    audience,
    settings: { lifetimes, reuseGraceMs, sliding, checkSession, touchIntervalMs },
    login: await createLogin(ctx),
    refresh: createRefresh(ctx),
    revoke: createRevoke(ctx, revocationVerifier),
    introspect: createIntrospect(ctx, introspectionVerifier),
    verifyAccessToken: (token) => accessVerifier.verifyAccessToken(token),
    verifier: accessVerifier,
    checkSession: (sid, opts) => sessions.checkSession(sid, opts),
    users: {
      add: (username, password, opts = {}) =>
        addUser(store, username, password, {
          ...opts,
          passwordHasher: settings.hasher,
          minPasswordLength: settings.minPasswordLength,
          now: clock.now(),
        }),
    },
    audit: (opts) => store.listAudit(opts),
    jwks: () => keys.jwks(),
  };
}
