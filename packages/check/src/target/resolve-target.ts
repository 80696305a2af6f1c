import type { AuditHttp } from '../http/http-client.js';
import { DiscoveryError, discover } from './discovery.js';
import type { ClientAuth, LoginMethod, Target } from './target.js';

/** What the user said about the server; discovery fills in the rest. */
export interface TargetInput {
  readonly issuer?: string;
  readonly tokenEndpoint?: string;
  readonly loginUrl?: string;
  readonly loginForm?: boolean;
  readonly loginCommand?: string;
  readonly revocationEndpoint?: string;
  readonly resource?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** @default 'basic' with a client secret, else 'none' */
  readonly clientAuth?: ClientAuth;
}

/** Requests discovery may send (two metadata locations). */
export const DISCOVERY_REQUESTS = 2;

/**
 * The target, with `--issuer` metadata applied (explicit options win). Without an issuer it
 * still looks for metadata at the token endpoint's origin, but takes only the JWKS from it.
 */
export async function resolveTarget(input: TargetInput, http: AuditHttp): Promise<Target> {
  let found: Awaited<ReturnType<typeof discover>>['metadata'] = {};
  if (input.issuer) {
    found = (await discover(http, input.issuer)).metadata;
  } else if (input.tokenEndpoint) {
    try {
      const soft = await discover(http, new URL(input.tokenEndpoint).origin);
      found = soft.metadata.jwks_uri ? { jwks_uri: soft.metadata.jwks_uri } : {};
    } catch (error) {
      if (!(error instanceof DiscoveryError)) throw error;
    }
  }
  const tokenEndpoint = input.tokenEndpoint ?? found.token_endpoint;
  if (!tokenEndpoint)
    throw new DiscoveryError('no token endpoint: give --token-endpoint or --issuer');
  const login = loginMethod(input, found.tokenkeeper_login_endpoint);
  const auth = input.clientAuth ?? (input.clientSecret !== undefined ? 'basic' : 'none');
  const revocationEndpoint = input.revocationEndpoint ?? found.revocation_endpoint;
  return {
    ...(input.issuer ? { issuer: input.issuer } : {}),
    tokenEndpoint,
    login,
    ...(revocationEndpoint ? { revocationEndpoint } : {}),
    ...(input.resource ? { resource: input.resource } : {}),
    ...(found.jwks_uri ? { jwksUri: found.jwks_uri } : {}),
    client: {
      ...(input.clientId !== undefined ? { id: input.clientId } : {}),
      ...(input.clientSecret !== undefined ? { secret: input.clientSecret } : {}),
      auth,
    },
  };
}

function loginMethod(input: TargetInput, discovered: string | undefined): LoginMethod {
  if (input.loginCommand) return { kind: 'command', command: input.loginCommand };
  const url = input.loginUrl ?? discovered;
  if (!url) throw new DiscoveryError('no way to sign in: give --login URL or --login-command CMD');
  return { kind: 'url', url, form: input.loginForm ?? false };
}
