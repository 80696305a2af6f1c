// Helpers for the concurrency suites: fire many refreshes of one token at once and summarise.
import { expect } from 'vitest';
import type { AuditOutcome, Store, TokenService } from '../src/index.js';
import { decodeRefreshToken } from '../src/service/tokens/refresh-token.js';
import { post, refreshBody } from './support.js';

export interface Answer {
  status: number;
  error?: string;
  refreshToken?: string;
  accessToken?: string;
}

/** Sends `count` refreshes of `token`, spread round-robin over `urls`, all at once. */
export async function refreshStorm(
  urls: string[],
  token: string,
  count: number,
): Promise<Answer[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const response = await post(urls[i % urls.length] ?? '', '/oauth/token', refreshBody(token));
      return {
        status: response.status,
        ...(typeof response.body?.error === 'string' ? { error: response.body.error } : {}),
        ...(typeof response.body?.refresh_token === 'string'
          ? { refreshToken: response.body.refresh_token }
          : {}),
        ...(typeof response.body?.access_token === 'string'
          ? { accessToken: response.body.access_token }
          : {}),
      };
    }),
  );
}

export async function familyOutcomes(store: Store, token: string) {
  const parts = decodeRefreshToken(token);
  if (!parts) throw new Error('not a refresh token');
  const family = await store.getFamily(parts.familyId);
  const rows = await store.listAudit({ familyId: parts.familyId, limit: 100_000 });
  const count = (outcome: AuditOutcome) => rows.filter((row) => row.outcome === outcome).length;
  return { family, count, rows };
}

/** The grace > 0 contract: every answer 200 with one successor, one new generation. */
export async function expectSharedSuccessor(store: Store, answers: Answer[], token: string) {
  expect(answers.filter((a) => a.status >= 500)).toEqual([]);
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);
  const successors = new Set(answers.map((a) => a.refreshToken));
  expect(successors.size).toBe(1);
  const { family, count } = await familyOutcomes(store, token);
  expect(family?.generation).toBe(2);
  expect(family?.revokedAt).toBeNull();
  expect(count('rotate')).toBe(1);
  expect(count('grace_replay')).toBe(answers.length - 1);
  expect(count('reuse_revoked')).toBe(0);
  return [...successors][0] ?? '';
}

/**
 * The grace = 0 contract for presentations that all began before the winning rotation
 * committed: one 200, the rest invalid_grant because they lost a race (audited `rejected` with
 * detail `lost_race`), exactly one new generation, the family NOT revoked, and the winner's
 * successor rotates.
 */
export async function expectSingleWinner(
  store: Store,
  answers: Answer[],
  token: string,
  refreshAt: (token: string) => Promise<number>,
) {
  expect(answers.filter((a) => a.status >= 500)).toEqual([]);
  const winners = answers.filter((a) => a.status === 200);
  expect(winners).toHaveLength(1);
  expect(answers.filter((a) => a.status === 400 && a.error === 'invalid_grant')).toHaveLength(
    answers.length - 1,
  );
  const { family, count, rows } = await familyOutcomes(store, token);
  expect(family?.generation).toBe(2);
  expect(family?.revokedAt).toBeNull();
  expect(count('rotate')).toBe(1);
  expect(count('reuse_revoked')).toBe(0);
  const rejected = rows.filter((row) => row.outcome === 'rejected');
  expect(rejected).toHaveLength(answers.length - 1);
  expect(new Set(rejected.map((row) => row.detail))).toEqual(new Set(['lost_race']));
  expect(await refreshAt(winners[0]?.refreshToken ?? '')).toBe(200);
}

/**
 * Every access token and every refresh token given is dead. Read-only checks come first:
 * presenting an old refresh token of a live family would revoke it as reuse and hide exactly
 * the failure this looks for. Then each refresh token is presented, newest generation first.
 */
export async function expectEveryTokenDead(
  services: TokenService[],
  tokens: { access?: string | undefined; refresh?: string | undefined }[],
) {
  const access = [...new Set(tokens.flatMap((t) => (t.access ? [t.access] : [])))];
  const refresh = [...new Set(tokens.flatMap((t) => (t.refresh ? [t.refresh] : [])))];
  expect(access.length + refresh.length).toBeGreaterThan(0);
  for (const service of services) {
    for (const token of access) {
      await expect(service.verifyAccessToken(token)).rejects.toMatchObject({
        code: 'invalid_token',
      });
    }
    for (const token of refresh) expect(await service.introspect(token)).toEqual({ active: false });
  }
  const generation = (token: string) => decodeRefreshToken(token)?.generation ?? 0;
  refresh.sort((a, b) => generation(b) - generation(a));
  for (const token of refresh) {
    await expect(services[0]?.refresh(token)).rejects.toMatchObject({ code: 'invalid_grant' });
  }
}
