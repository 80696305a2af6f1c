/**
 * oidc-provider (panva's certified OpenID Provider) on 127.0.0.1, configured as the issue asks:
 * refresh-token rotation on every refresh with no grace (`rotateRefreshToken: true`: a consumed
 * refresh token presented again revokes the whole grant), short access tokens, RFC 7009
 * revocation. The user signs in through the real authorization endpoint; the login and consent
 * page is replaced by a handler that finishes every interaction as one account, through the
 * provider's interaction API, so no browser is needed.
 *
 * What the provider did is read from its own events, not inferred from the client.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import type { OidcContext } from 'oidc-provider';
import { createMapStore, type MapStore } from './map-adapter.js';
import { importWithoutRuntimeWarning } from './quiet-import.js';

/** Never visited: the login helper reads the code from the redirect's Location header. */
export const REDIRECT_URI = 'http://127.0.0.1/callback';
export const ACCOUNT_ID = 'user-1';
/** Seconds an access token lives at the provider. */
export const ACCESS_TOKEN_TTL = 10;
export const PUBLIC_CLIENT_ID = 'public-app';
export const POST_CLIENT_ID = 'post-app';

/** What the provider reported, event by event. */
export interface ProviderLog {
  /** Every successful grant at the token endpoint, by `grant_type`. */
  readonly grants: string[];
  /** Every failed grant: the RFC 6749 code and the provider's hidden reason. */
  readonly grantErrors: { grantType: string; error: string; detail: string | undefined }[];
  /** Grant ids the provider revoked (revocation, or reuse of a consumed refresh token). */
  readonly revokedGrants: string[];
  /** Refused requests to the userinfo endpoint (`/me`), by status. */
  readonly userinfoErrors: number[];
  /** Failed requests to the revocation endpoint. */
  readonly revocationErrors: { status: number; error: string }[];
  /** Internal errors: any of these fails the test that caused it. */
  readonly serverErrors: unknown[];
}

export interface OidcServer {
  readonly issuer: string;
  readonly provider: Provider;
  /** The provider's storage. */
  readonly store: MapStore;
  readonly log: ProviderLog;
  /** The confidential client's secret (`client_secret_post`), new for every server. */
  readonly postClientSecret: string;
  /** Grant ids of stored grants that are still there. */
  liveGrantIds(): string[];
  close(): Promise<void>;
}

function errorFields(detail: unknown): { status: number; error: string; detail?: string } {
  const err = detail as { statusCode?: number; error?: string; error_detail?: string };
  return { status: err.statusCode ?? 0, error: err.error ?? 'unknown', detail: err.error_detail };
}

function record(provider: Provider, log: ProviderLog): void {
  const grantType = (ctx: OidcContext) => String(ctx.oidc.params?.grant_type);
  provider.on('grant.success', (ctx) => log.grants.push(grantType(ctx)));
  provider.on('grant.error', (ctx, err) => {
    const { error, detail } = errorFields(err);
    log.grantErrors.push({ grantType: grantType(ctx), error, detail });
  });
  provider.on('grant.revoked', (_ctx, grantId) => log.revokedGrants.push(String(grantId)));
  provider.on('revocation.error', (_ctx, err) => {
    const { status, error } = errorFields(err);
    log.revocationErrors.push({ status, error });
  });
  provider.on('userinfo.error', (_ctx, err) => log.userinfoErrors.push(errorFields(err).status));
  provider.on('server_error', (_ctx, err) => log.serverErrors.push(err));
}

/** Logs in every interaction as {@link ACCOUNT_ID} and consents to what was asked. */
async function finishInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  const clientId = String(details.params.client_id);
  const grant =
    (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
    new provider.Grant({ accountId: ACCOUNT_ID, clientId });
  const missing = details.prompt.details.missingOIDCScope;
  if (missing) grant.addOIDCScope(missing.join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: ACCOUNT_ID }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

export interface OidcServerOptions {
  /** Enables RFC 9449 DPoP; `requireNonce` makes the provider demand server nonces. */
  dpop?: { requireNonce: boolean };
}

export async function startOidcServer(options: OidcServerOptions = {}): Promise<OidcServer> {
  const { default: ProviderClass } = await importWithoutRuntimeWarning(
    () => import('oidc-provider'),
  );
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const store = createMapStore();
  const postClientSecret = randomBytes(24).toString('base64url');
  // The provider's own signing key (ES256: cheap to make per server), instead of its
  // development keys.
  const signingKey = {
    ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
    kid: 'interop-test',
    use: 'sig',
  };
  const client = {
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
  const provider = new ProviderClass(issuer, {
    adapter: store.adapter,
    jwks: { keys: [signingKey] },
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    clients: [
      { ...client, client_id: PUBLIC_CLIENT_ID, token_endpoint_auth_method: 'none' },
      {
        ...client,
        client_id: POST_CLIENT_ID,
        client_secret: postClientSecret,
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    cookies: { keys: [randomBytes(16).toString('hex')] },
    scopes: ['openid', 'offline_access'],
    claims: { openid: ['sub'] },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/i/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      ...(options.dpop
        ? {
            dPoP: {
              enabled: true,
              nonceSecret: randomBytes(32),
              requireNonce: () => options.dpop?.requireNonce === true,
            },
          }
        : {}),
      revocation: {
        enabled: true,
        // A client revokes its own tokens only.
        allowedPolicy: (_ctx: unknown, caller: { clientId: string }, token: { clientId: string }) =>
          token.clientId === caller.clientId,
      },
    },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      IdToken: 300,
      Interaction: 300,
      RefreshToken: 3600,
      Grant: 3600,
      Session: 3600,
    },
  });
  const log: ProviderLog = {
    grants: [],
    grantErrors: [],
    revokedGrants: [],
    userinfoErrors: [],
    revocationErrors: [],
    serverErrors: [],
  };
  record(provider, log);
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/i/')) return callback(req, res);
    finishInteraction(provider, req, res).catch((error: unknown) => {
      log.serverErrors.push(error);
      res.writeHead(500).end();
    });
  });
  return {
    issuer,
    provider,
    store,
    log,
    postClientSecret,
    liveGrantIds: () => store.records('Grant').map((grant) => grant.id),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
