/**
 * The servers of the storm, all real and on 127.0.0.1: tokenkeeper-server (`serve`, in-memory
 * PGlite) on a clock that can jump, behind a proxy that counts refresh requests, and the
 * protected API checking tokens with the token server's verifier. Refresh calls are counted
 * where they land: the proxy in front of the token endpoint, and the token server's audit log
 * for what it made of them.
 */
import {
  type AuditRecord,
  BearerError,
  type RunningTokenServer,
  serve,
  type TokenResponse,
} from 'tokenkeeper-server';
import { type CountingProxy, startCountingProxy } from './counting-proxy.js';
import { createOffsetClock } from './offset-clock.js';
import { type ResourceServer, startResourceServer } from './resource-server.js';

const USER = 'storm-user';
const PASSWORD = 'storm-password';

/** Refresh requests that reached the token endpoint, and what the server made of them. */
export interface RefreshLedger {
  /** Every `POST /oauth/token`, whatever it carried. */
  readonly calls: number;
  readonly rotations: number;
  /** Answered inside the reuse-grace window with the same successor. */
  readonly replays: number;
  /** Refused: reuse outside the grace window, a family already revoked, or no token at all. */
  readonly refused: number;
  /** Reuse was detected and the session revoked: the user is logged out. */
  readonly revoked: boolean;
}

export interface StormStack {
  readonly tokenEndpoint: string;
  readonly apiOrigin: string;
  /** A fresh login: a new session with its own refresh-token family. */
  login(): Promise<TokenResponse>;
  /** Every access token issued so far is expired from now on. */
  expireIssuedTokens(): void;
  /** The counts so far for the session `tokens` came from (subtract an earlier snapshot). */
  ledger(tokens: TokenResponse): Promise<RefreshLedger>;
  close(): Promise<void>;
}

/** The session id (`sid`) of an access token: its refresh-token family. */
export function familyOf(accessToken: string): string {
  const payload = accessToken.split('.')[1] ?? '';
  const sid = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid?: unknown })
    .sid;
  if (typeof sid !== 'string') throw new Error('access token without sid');
  return sid;
}

function tally(calls: number, rows: readonly AuditRecord[]): RefreshLedger {
  const count = (outcome: AuditRecord['outcome']) =>
    rows.filter((row) => row.outcome === outcome).length;
  return {
    calls,
    rotations: count('rotate'),
    replays: count('grace_replay'),
    refused: calls - count('rotate') - count('grace_replay'),
    revoked: count('reuse_revoked') > 0,
  };
}

export async function startStormStack(options: { reuseGraceMs: number }): Promise<StormStack> {
  const clock = createOffsetClock();
  const running: RunningTokenServer = await serve({
    port: 0,
    clock,
    reuseGrace: options.reuseGraceMs,
    // Login cost is not measured; production-strength scrypt would only slow the setup.
    passwordHashing: { N: 1024, r: 8, p: 1 },
  });
  const { service } = running.tokenServer;
  let api: ResourceServer;
  let proxy: CountingProxy | undefined;
  try {
    await service.users.add(USER, PASSWORD);
    proxy = await startCountingProxy(running.url);
    api = await startResourceServer(
      (token) => running.tokenServer.verifyAccessToken(token),
      (error) => error instanceof BearerError,
    );
  } catch (error) {
    await proxy?.close();
    await running.close();
    throw error;
  }
  const counter = proxy;
  const accessTtlMs = service.settings.lifetimes.web.accessTtl;
  return {
    tokenEndpoint: `${counter.origin}/oauth/token`,
    apiOrigin: api.origin,
    login: () => service.login({ username: USER, password: PASSWORD }),
    expireIssuedTokens: () => clock.skip(accessTtlMs + 60_000),
    async ledger(tokens) {
      const rows = await service.audit({ familyId: familyOf(tokens.access_token), limit: 100_000 });
      return tally(counter.refreshRequests(), rows);
    },
    async close() {
      await api.close();
      await counter.close();
      await running.close();
    },
  };
}
