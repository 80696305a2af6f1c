import type { AuditEntry, AuditRecord, FamilyRecord, UserRecord } from './records.js';

/** Store operations that run alone or inside a transaction. */
export interface StoreOperations {
  findUserByName(username: string): Promise<UserRecord | undefined>;
  /** Inserts a user; false when the name is taken. */
  insertUser(user: UserRecord): Promise<boolean>;
  insertFamily(family: FamilyRecord): Promise<void>;
  getFamily(id: string): Promise<FamilyRecord | undefined>;
  /**
   * The rotation, one statement (a conditional `UPDATE … WHERE generation = from`): if `id`
   * is alive at generation `from`, advance it, move its idle deadline, write the `rotate`
   * audit row, and return the updated family. Undefined when the family is not current and
   * alive (another request rotated or revoked it first, or a deadline passed).
   */
  rotateCurrent(input: {
    id: string;
    from: number;
    now: number;
    ip: string | null;
    userAgent: string | null;
    requestId: string | null;
  }): Promise<FamilyRecord | undefined>;
  /** Revokes a family; false when it was already revoked (or does not exist). */
  revokeFamily(id: string, now: number, reason: string): Promise<boolean>;
  /**
   * Sliding sessions: moves the idle deadline to `now + idle timeout` if the family is alive
   * and was not touched after `notTouchedSince`. True when it wrote.
   */
  touchFamily(input: { id: string; now: number; notTouchedSince: number }): Promise<boolean>;
  insertAudit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  listAudit(options?: { limit?: number; familyId?: string }): Promise<AuditRecord[]>;
}
