import type { AuditHttp } from '../http/http-client.js';
import { refreshRequest } from '../http/token-requests.js';
import type { TokenSet } from '../http/token-response.js';
import { fingerprint } from '../secrets/fingerprint.js';
import type { SecretRegistry } from '../secrets/secret-registry.js';
import type { Target } from '../target/target.js';
import type { LoginResult } from './login.js';
import { classifyRefresh, type RefreshOutcome } from './refresh-outcome.js';

/**
 * One session the audit signed in, and everything minted for it. Checks refresh through it so
 * every token is registered as a secret and remembered for sign-out.
 */
export interface AuditSession {
  /** "session 3", for evidence. */
  readonly label: string;
  readonly login: LoginResult;
  /** Refreshes with `refreshToken` (without an access token unless `bearer` is given). */
  refresh(refreshToken: string, options?: { bearer?: string }): Promise<RefreshOutcome>;
  /** Sends `count` refreshes of `refreshToken` at the same moment. */
  refreshBurst(refreshToken: string, count: number): Promise<RefreshOutcome[]>;
  /** Every distinct refresh token the session obtained, newest first. */
  refreshTokens(): string[];
}

export function createAuditSession(input: {
  label: string;
  login: LoginResult;
  http: AuditHttp;
  target: Target;
  secrets: SecretRegistry;
}): AuditSession {
  const { http, target, secrets } = input;
  const seenAccess = new Set<string>();
  const refreshTokens: string[] = [];

  const note = (tokens: TokenSet | undefined) => {
    if (!tokens) return;
    secrets.add(tokens.accessToken);
    seenAccess.add(fingerprint(tokens.accessToken));
    if (tokens.refreshToken) {
      secrets.add(tokens.refreshToken);
      const at = refreshTokens.indexOf(tokens.refreshToken);
      if (at >= 0) refreshTokens.splice(at, 1);
      refreshTokens.unshift(tokens.refreshToken);
    }
  };
  note(input.login.tokens);

  // Classify every answer of a burst against what was seen before it, then record them all.
  const settle = (outcomes: RefreshOutcome[]) => {
    for (const outcome of outcomes) note(outcome.tokens);
    return outcomes;
  };

  return {
    label: input.label,
    login: input.login,
    async refresh(refreshToken, options = {}) {
      const exchange = await http.send(refreshRequest(target, refreshToken, options));
      const [outcome] = settle([classifyRefresh(exchange, seenAccess)]);
      return outcome!;
    },
    async refreshBurst(refreshToken, count) {
      const requests = Array.from({ length: count }, () => refreshRequest(target, refreshToken));
      const exchanges = await http.burst(requests);
      return settle(exchanges.map((exchange) => classifyRefresh(exchange, seenAccess)));
    },
    refreshTokens: () => [...refreshTokens],
  };
}
