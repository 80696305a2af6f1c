import type { Clock } from '../clock.js';
import type { StoreOperations } from '../store/operations.js';
import type { AuditEntry, FamilyRecord } from '../store/records.js';
import type { RequestContext } from './types.js';

/** Writes audit rows with the request's context, in whatever transaction it is given. */
export interface AuditWriter {
  write(tx: StoreOperations, context: RequestContext, entry: Omit<AuditEntry, 'at'>): Promise<void>;
}

export function createAuditWriter(clock: Clock): AuditWriter {
  return {
    write: (tx, context, entry) =>
      tx.insertAudit({
        at: clock.now(),
        ip: context.ip ?? null,
        userAgent: context.userAgent ?? null,
        requestId: context.requestId ?? null,
        ...entry,
      }),
  };
}

/** The audit columns that describe a family and the generation presented. */
export function familyFacts(family: FamilyRecord, generation: number) {
  return {
    familyId: family.id,
    generation,
    clientType: family.clientType,
    userId: family.userId,
  };
}
