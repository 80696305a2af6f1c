// tokenkeeper-server: the public face. Explicit named exports only; importing has no effects.

export type { ClientType } from './client-type.js';
export { type Clock, createManualClock, type ManualClock, systemClock } from './clock.js';
export { type Duration, formatDuration, parseDuration } from './duration.js';
export {
  BearerError,
  type BearerErrorCode,
  ConfigError,
  isTokenServerError,
  OAuthError,
  type OAuthErrorCode,
  TokenServerError,
  type TokenServerErrorCode,
} from './errors.js';
export type { IntrospectionClient } from './http/introspection-auth.js';
export { type RunningTokenServer, type ServeOptions, serve } from './http/serve.js';
export {
  createTokenServer,
  type TokenServer,
  type TokenServerOptions,
} from './http/token-server.js';
export { createJsonLogger, type Logger, silentLogger } from './logger.js';
export { fingerprint, redact } from './redact.js';
export type { KeyRing } from './service/keys/key-ring.js';
export { generateServerSecret } from './service/keys/server-secret.js';
export { generateSigningJwk } from './service/keys/signing-key.js';
export { defaultLifetimes, type LifetimeOptions, type Lifetimes } from './service/lifetimes.js';
export {
  defaultPasswordHashing,
  type PasswordHasher,
  type PasswordHashing,
  scryptHasher,
} from './service/password.js';
export {
  decideRefresh,
  type Presentation,
  type RefreshDecision,
} from './service/refresh/rotation.js';
export { createTokenService } from './service/service.js';
export type {
  IntrospectionResponse,
  LoginInput,
  RequestContext,
  TokenResponse,
  TokenService,
  TokenServiceOptions,
} from './service/types.js';
export { type AddUserOptions, addUser } from './service/users.js';
export { dataDirSecret } from './store/data-dir-secret.js';
export type { Database, Queryable, QueryResult } from './store/database.js';
export { type OpenStoreOptions, openStore } from './store/open.js';
export type { StoreOperations } from './store/operations.js';
export { type EmbeddedDatabaseOptions, openEmbeddedDatabase } from './store/pglite.js';
export { openPostgresDatabase, type PostgresDatabaseOptions } from './store/postgres.js';
export type {
  AuditEntry,
  AuditOutcome,
  AuditRecord,
  FamilyRecord,
  UserRecord,
} from './store/records.js';
export { migrations } from './store/schema.js';
export { createStore, type Store } from './store/store.js';
export type { AccessTokenClaims } from './verify/access-token.js';
export { bearerChallenge, bearerErrorResponse } from './verify/bearer.js';
export {
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type AuthVariables,
  createAccessTokenVerifier,
  type SessionChecker,
} from './verify/verifier.js';
