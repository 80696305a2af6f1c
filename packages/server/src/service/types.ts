import type { JSONWebKeySet, JWK } from 'jose';
import type { ClientType } from '../client-type.js';
import type { Clock } from '../clock.js';
import type { Duration } from '../duration.js';
import type { AuditRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { AccessTokenClaims } from '../verify/access-token.js';
import type { AccessTokenVerifier, SessionChecker } from '../verify/verifier.js';
import type { LifetimeOptions, Lifetimes } from './lifetimes.js';
import type { PasswordHasher, PasswordHashing } from './password.js';

/** Options of {@link createTokenService}. */
export interface TokenServiceOptions {
  store: Store;
  /** `iss` of access tokens; a URL in production (RFC 8414 wants the issuer to be one). */
  issuer: string;
  /** `aud` of access tokens: the resource servers' identifier. */
  audience: string;
  /**
   * Server secret (>= 32 bytes). Keys the refresh-token MACs and seals stored signing keys.
   * Keep it out of the database: a dump without it cannot mint tokens. Instances that share
   * a database must share it. Required with a persistent store (a ConfigError otherwise);
   * `serve({ dataDir })` supplies one from `<dataDir>/server-secret`.
   * @default with an in-memory store only: a random secret (tokens die with the process)
   */
  secret?: string | Uint8Array;
  /** A private ES256 JWK that replaces the stored signing key (e.g. TOKENKEEPER_SIGNING_KEY). */
  signingKey?: string | JWK;
  /** @default the system clock */
  clock?: Clock;
  /** Lifetimes per client type; see `defaultLifetimes` for the defaults and their reasons. */
  lifetimes?: Partial<Record<ClientType, LifetimeOptions>>;
  /**
   * How long the predecessor of the current refresh token still gets the same successor, so
   * a client whose response was lost can recover; a request that was already in flight when
   * the rotation happened gets it too. 0 disables replays: such a racing request gets
   * `invalid_grant` (the family stays valid), and a presentation that begins after the
   * rotation revokes the family. @default '10s'
   */
  reuseGrace?: Duration;
  /**
   * Sliding sessions: each verified API call extends the session's idle deadline (written at
   * most once per `touchInterval` per session). Implies `checkSession`. @default false
   */
  sliding?: boolean;
  /** Verification looks the session up, so revocation and idle expiry stop access tokens at
   * once. @default the value of `sliding` */
  checkSession?: boolean;
  /** @default '5s' */
  touchInterval?: Duration;
  /** Accepted clock skew when verifying access tokens. @default 0 */
  clockTolerance?: Duration;
  /** scrypt cost for new password hashes (and the decoy). @default N=32768, r=8, p=3 */
  passwordHashing?: PasswordHashing;
  /**
   * Hashes and checks passwords; login runs exactly one `verify` per attempt, for unknown
   * users against a decoy hash. @default scryptHasher(passwordHashing)
   */
  passwordHasher?: PasswordHasher;
  /** @default 8 */
  minPasswordLength?: number;
}

/** A successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds until the access token expires. */
  expires_in: number;
  refresh_token: string;
  scope?: string;
}

/** An RFC 7662 introspection response. */
export type IntrospectionResponse =
  | { active: false }
  | {
      active: true;
      token_use: 'access_token' | 'refresh_token';
      token_type?: 'Bearer';
      iss: string;
      sub: string;
      aud?: string | string[];
      client_id: string;
      client_type: ClientType;
      sid: string;
      scope?: string;
      exp: number;
      iat: number;
      jti?: string;
    };

/** Who is asking: recorded in the audit log, never trusted for decisions. */
export interface RequestContext {
  ip?: string | undefined;
  userAgent?: string | undefined;
  requestId?: string | undefined;
}

/** What login needs. */
export interface LoginInput {
  username: string;
  password: string;
  /** @default 'web' */
  clientType?: ClientType;
}

/** The framework-free core: login, refresh (rotate), revoke, introspect, session checks. */
export interface TokenService extends SessionChecker {
  readonly store: Store;
  readonly issuer: string;
  readonly audience: string;
  readonly settings: {
    readonly lifetimes: Readonly<Record<ClientType, Lifetimes>>;
    readonly reuseGraceMs: number;
    readonly sliding: boolean;
    readonly checkSession: boolean;
    readonly touchIntervalMs: number;
  };
  login(input: LoginInput, context?: RequestContext): Promise<TokenResponse>;
  refresh(refreshToken: string, context?: RequestContext): Promise<TokenResponse>;
  /** Revokes the family of a refresh or access token; unknown tokens are ignored (RFC 7009). */
  revoke(token: string, context?: RequestContext): Promise<void>;
  introspect(token: string): Promise<IntrospectionResponse>;
  /** Verifies an access token (and, in checked/sliding mode, its session); returns its claims. */
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
  /** The resource-server verifier with this service's keys, clock and session mode. */
  readonly verifier: AccessTokenVerifier;
  users: {
    /** Adds a user with a scrypt password hash; throws ConfigError when the name is taken. */
    add(
      username: string,
      password: string,
      options?: { scopes?: string[] },
    ): Promise<{ id: string }>;
  };
  /** Recent audit rows, newest first. */
  audit(options?: { limit?: number; familyId?: string }): Promise<AuditRecord[]>;
  /** The public signing keys (/.well-known/jwks.json). */
  jwks(): JSONWebKeySet;
}
