import { describe, expect, it } from 'vitest';
import { decideRefresh, type FamilyRecord } from '../../../src/index.js';

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

/** A presentation of `generation` by a request that began at `startedAt`, decided at `now`. */
const at = (generation: number, startedAt: number, now = startedAt) => ({
  generation,
  startedAt,
  now,
});

describe('decideRefresh (pure rotation rule)', () => {
  it('rotates the current generation', () => {
    expect(decideRefresh(family(), at(5, 1_000), 10_000)).toEqual({ kind: 'rotate' });
  });

  it('replays the predecessor strictly inside the window, reuse at and after its end', () => {
    expect(decideRefresh(family(), at(4, 10_999), 10_000).kind).toBe('replay');
    expect(decideRefresh(family(), at(4, 11_000), 10_000).kind).toBe('reuse');
    expect(decideRefresh(family(), at(4, 50_000), 10_000).kind).toBe('reuse');
  });

  it('measures the window from when the request began, not from when it was decided', () => {
    expect(decideRefresh(family(), at(4, 10_999, 12_000), 10_000).kind).toBe('replay');
  });

  it('orders by generation, not time: k after k+2 is reuse at the same instant, and earlier', () => {
    expect(decideRefresh(family(), at(3, 1_000), 10_000).kind).toBe('reuse');
    expect(decideRefresh(family(), at(1, 1_000), 3_600_000).kind).toBe('reuse');
    // Even a request that began before the last rotation: only the immediate predecessor can
    // have lost a race to it.
    expect(decideRefresh(family(), at(3, 999), 0).kind).toBe('reuse');
    expect(decideRefresh(family(), at(3, 999), 10_000).kind).toBe('reuse');
  });

  it('grace 0: the predecessor from a request that began before the rotation lost a race', () => {
    expect(decideRefresh(family(), at(4, 999, 1_005), 0)).toEqual({ kind: 'lost_race' });
    // Same millisecond as the rotation: it cannot have begun after it; the benefit of the
    // doubt goes to the client.
    expect(decideRefresh(family(), at(4, 1_000, 1_005), 0)).toEqual({ kind: 'lost_race' });
  });

  it('grace 0: the predecessor from a request that began after the rotation is reuse', () => {
    expect(decideRefresh(family(), at(4, 1_001), 0).kind).toBe('reuse');
    expect(decideRefresh(family(), at(4, 90_000), 0).kind).toBe('reuse');
  });

  it('grace > 0: a lost race gets the same successor, like a retry inside the window', () => {
    expect(decideRefresh(family(), at(4, 999, 1_005), 10_000).kind).toBe('replay');
    expect(decideRefresh(family(), at(4, 1_000), 1).kind).toBe('replay');
  });

  it('lets revocation and deadlines win over everything, judged when decided', () => {
    expect(decideRefresh(family({ revokedAt: 5 }), at(5, 1_000), 10_000).kind).toBe('revoked');
    expect(decideRefresh(family({ revokedAt: 5 }), at(4, 999), 0).kind).toBe('revoked');
    expect(decideRefresh(family(), at(5, 100_000), 10_000)).toEqual({
      kind: 'expired',
      which: 'idle',
    });
    expect(decideRefresh(family(), at(5, 99_999, 100_000), 10_000)).toEqual({
      kind: 'expired',
      which: 'idle',
    });
    expect(decideRefresh(family({ idleExpiresAt: 500_000 }), at(5, 200_000), 10_000)).toEqual({
      kind: 'expired',
      which: 'absolute',
    });
  });

  it('refuses generations from the future (a restored backup) without calling it reuse', () => {
    expect(decideRefresh(family(), at(6, 1_000), 10_000).kind).toBe('future');
  });
});
