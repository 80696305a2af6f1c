/**
 * Seed 001: twenty requests meet a 401 for the same token at once. The server is told to refuse
 * the current access token (as after a revocation), then twenty REST and GraphQL calls go out
 * together. Expected: 20 × 401, one refresh, 20 retries with the new token, 20 × 200, and one
 * rotation in the server's audit log.
 */
import type { CallResult, DemoApi } from '../runtime/api.js';
import { ITEM_QUERY, ITEMS_QUERY, LIKE_MUTATION, WHO_QUERY } from '../runtime/api.js';
import { fetchAudit, rowsSince } from '../runtime/audit.js';
import type { DemoRuntime } from '../runtime/runtime.js';
import { localRefreshes, plural, recordEvents, type ScenarioReport } from './report.js';

export const STORM_SIZE = 20;

/** Five different queries: urql sends identical queries in flight only once. */
const QUERIES: readonly (readonly [string, string, Record<string, unknown>])[] = [
  ['GraphQL item(1)', ITEM_QUERY, { id: '1' }],
  ['GraphQL item(2)', ITEM_QUERY, { id: '2' }],
  ['GraphQL item(3)', ITEM_QUERY, { id: '3' }],
  ['GraphQL me', WHO_QUERY, {}],
  ['GraphQL items', ITEMS_QUERY, {}],
];

/** Ten REST reads, five GraphQL queries, five GraphQL mutations. */
function call(api: DemoApi, i: number): Promise<CallResult> {
  const id = String((i % 3) + 1);
  if (i % 2 === 0) return api.rest(`/api/items/${id}`);
  const query = QUERIES[(i - 1) / 2];
  if (query) return api.graphql(...query);
  return api.graphql(`GraphQL like(${id})`, LIKE_MUTATION, { id }, 'mutation');
}

export async function concurrentStorm(runtime: DemoRuntime): Promise<ScenarioReport> {
  const { session, api, platform } = runtime;
  // The demo's server runs on this machine: its audit times and this real time agree.
  const since = platform.clock.realNow();
  const revoke = await api.rest('/demo/revoke-access-token', { method: 'POST' });
  if (!revoke.ok) {
    return {
      tone: 'bad',
      headline: `The server did not revoke the token (HTTP ${revoke.status ?? 'none'})`,
      lines: [],
    };
  }
  const refused = session.getSnapshot().fingerprint;
  platform.timeline.add({
    kind: 'scenario:storm',
    tone: 'info',
    title: `Scenario: the server now refuses ${refused}`,
    detail: `${STORM_SIZE} REST and GraphQL requests go out at once with it`,
  });
  const recorder = recordEvents(session);
  let results: CallResult[];
  try {
    results = await Promise.all(Array.from({ length: STORM_SIZE }, (_, i) => call(api, i)));
  } finally {
    recorder.stop();
  }
  const got401 = results.filter((r) => r.attempts[0]?.status === 401).length;
  const retried = results.filter((r) => r.attempts.length > 1).length;
  const ok = results.filter((r) => r.ok).length;
  const refreshes = localRefreshes(recorder.events);
  const rotations = rowsSince(await fetchAudit(), 'rotate', since).length;
  const rest = results.filter((r) => r.label.startsWith('GET')).length;
  return {
    tone: ok === STORM_SIZE && refreshes.length === 1 ? 'good' : 'bad',
    headline: `${STORM_SIZE} requests → ${got401} × 401 → ${plural(refreshes.length, 'refresh')} → ${retried} retried → ${ok} OK`,
    lines: [
      `The server was told to refuse ${refused}; then ${rest} REST and ${STORM_SIZE - rest} GraphQL calls went out at once with it.`,
      `Every 401 waited for the same single refresh (${refreshes.map((r) => `${r.previousFingerprint} → ${r.fingerprint}`).join(', ') || 'none'}) and was sent again once with the new token.`,
      `Server audit: ${plural(rotations, 'rotation')} and no reuse: one refresh token spent once. Seed 001's race (five refreshes, the rotated token invalidating the others) cannot happen.`,
    ],
    facts: { sent: STORM_SIZE, got401, refreshes: refreshes.length, retried, ok, rotations },
  };
}
