/**
 * The part of oidc-provider 9 (an untyped ESM package) that the interop tests use. Only what
 * the tests call is declared, so a change of that surface in an upgrade fails the type check.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** The Koa context oidc-provider hands to its event listeners and policies. */
  export interface OidcContext {
    oidc: {
      params?: Record<string, unknown>;
      client?: { clientId: string };
      route?: string;
    };
  }

  /** A token, grant or session record as the provider stores it through an adapter. */
  export interface AdapterPayload {
    jti?: string;
    exp?: number;
    iat?: number;
    grantId?: string;
    clientId?: string;
    consumed?: number;
    uid?: string;
    userCode?: string;
    [field: string]: unknown;
  }

  /** The storage interface the provider calls, one instance per model name. */
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface Grant {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  export interface InteractionDetails {
    uid: string;
    grantId?: string;
    params: Record<string, unknown>;
    prompt: { name: string; details: { missingOIDCScope?: string[] } & Record<string, unknown> };
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly Grant: {
      new (properties: { accountId: string; clientId: string }): Grant;
      find(id: string): Promise<Grant | undefined>;
    };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    /** Provider events: `grant.success`, `grant.error`, `grant.revoked`, `server_error`, ... */
    on(event: string, listener: (ctx: OidcContext, detail: unknown) => void): this;
  }
}
