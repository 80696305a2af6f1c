import { describe, expect, it } from 'vitest';
import { decideRefresh, type FamilyRecord } from '../src/index.js';

const family = (overrides: Partial<FamilyRecord> = {}): FamilyRecord => ({
  id: '00000000-0000-4000-8000-000000000001',
  userId: '00000000-0000-4000-8000-000000000002',
  clientType: 'web',
  scope: '',
  secret: Buffer.alloc(32),
  generation: 5,
  createdAt: 0,
  rotatedAt: 1_000,
  lastUsedAt: 1_000,
  idleExpiresAt: 100_000,
  absoluteExpiresAt: 200_000,
  accessTtlMs: 60_000,
  idleTimeoutMs: 99_000,
  revokedAt: null,
  revokedReason: null,
  ...overrides,
});

describe('decideRefresh (pure rotation rule)', () => {
  it('rotates the current generation', () => {
    expect(decideRefresh(family(), 5, 1_000, 10_000)).toEqual({ kind: 'rotate' });
  });

  it('replays the predecessor strictly inside the window, reuse at and after its end', () => {
    expect(decideRefresh(family(), 4, 10_999, 10_000).kind).toBe('replay');
    expect(decideRefresh(family(), 4, 11_000, 10_000).kind).toBe('reuse');
    expect(decideRefresh(family(), 4, 50_000, 10_000).kind).toBe('reuse');
  });

  it('orders by generation, not time: k after k+2 is reuse at the same instant', () => {
    expect(decideRefresh(family(), 3, 1_000, 10_000).kind).toBe('reuse');
    expect(decideRefresh(family(), 1, 1_000, 3_600_000).kind).toBe('reuse');
  });

  it('with grace 0 never replays, even for a request older than the rotation', () => {
    expect(decideRefresh(family(), 4, 1_000, 0).kind).toBe('reuse');
    expect(decideRefresh(family(), 4, 999, 0).kind).toBe('reuse');
    expect(decideRefresh(family(), 4, 999, 10_000).kind).toBe('replay');
  });

  it('lets revocation and deadlines win over everything', () => {
    expect(decideRefresh(family({ revokedAt: 5 }), 5, 1_000, 10_000).kind).toBe('revoked');
    expect(decideRefresh(family(), 5, 100_000, 10_000)).toEqual({ kind: 'expired', which: 'idle' });
    expect(decideRefresh(family({ idleExpiresAt: 500_000 }), 5, 200_000, 10_000)).toEqual({
      kind: 'expired',
      which: 'absolute',
    });
  });

  it('refuses generations from the future (a restored backup) without calling it reuse', () => {
    expect(decideRefresh(family(), 6, 1_000, 10_000).kind).toBe('future');
  });
});
