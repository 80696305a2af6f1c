import type { ClientType } from '../client-type.js';

/** A user who can log in. */
export interface UserRecord {
  readonly id: string;
  readonly username: string;
  readonly passwordHash: string;
  /** Space-separated scopes granted to this user's access tokens. */
  readonly scopes: string;
  readonly createdAt: number;
}

/** A login session: the family of refresh tokens that rotation produces. Times in epoch ms. */
export interface FamilyRecord {
  readonly id: string;
  readonly userId: string;
  readonly clientType: ClientType;
  readonly scope: string;
  /** Per-family random salt of the refresh-token MAC key (useless without the server secret). */
  readonly secret: Buffer;
  /** Current generation; the only refresh token that rotates is this one. Starts at 1. */
  readonly generation: number;
  readonly createdAt: number;
  /** When the current generation was issued; the grace window counts from here. */
  readonly rotatedAt: number;
  readonly lastUsedAt: number;
  readonly idleExpiresAt: number;
  /** Fixed at login; rotation never moves it. */
  readonly absoluteExpiresAt: number;
  readonly accessTtlMs: number;
  readonly idleTimeoutMs: number;
  readonly revokedAt: number | null;
  readonly revokedReason: string | null;
}

/** Every outcome the audit log records; one row per outcome. */
export type AuditOutcome =
  | 'login'
  | 'rotate'
  | 'grace_replay'
  | 'reuse_revoked'
  | 'revoke'
  | 'expired'
  | 'rejected';

/** An audit row as written. Never holds a token. */
export interface AuditEntry {
  readonly at: number;
  readonly outcome: AuditOutcome;
  readonly familyId?: string | null;
  readonly generation?: number | null;
  readonly clientType?: ClientType | null;
  readonly userId?: string | null;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
  readonly requestId?: string | null;
  /**
   * A short machine-readable reason, e.g. `invalid_credentials`, `family_revoked`, `lost_race`
   * (a `rejected` refresh that began before a concurrent rotation committed, at grace 0),
   * `invalid_mac` (a refresh token of an existing family with a wrong MAC), `unknown_token`.
   */
  readonly detail?: string | null;
}

/** An audit row as read back. */
export interface AuditRecord extends AuditEntry {
  readonly id: number;
}

/** A stored signing key. */
export interface SigningKeyRecord {
  readonly kid: string;
  readonly publicJwk: string;
  readonly sealedPrivateKey: Buffer;
}
