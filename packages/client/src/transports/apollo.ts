/**
 * `tokenkeeper/apollo`: an Apollo Client 4 link that gives each operation the session's live
 * token, and retries it once after a refresh when the server refuses the token.
 */
import { ServerError } from '@apollo/client/errors';
import { ApolloLink } from '@apollo/client/link';
import { Observable } from '@apollo/client/utilities';
import { ConfigError } from '../errors.js';
import { dpopAccessOf } from '../session/adapter-access.js';
import type { Session } from '../session/create-session.js';
import { isNonceChallenge } from './dpop-challenge.js';
import { DEFAULT_UNAUTHENTICATED_CODES, hasUnauthenticatedError } from './graphql-auth-error.js';

export interface AuthLinkOptions {
  /**
   * `extensions.code` values of GraphQL errors that mean the token was refused (the server
   * answered 200 with errors). An HTTP 401 always counts.
   * @default ['UNAUTHENTICATED']
   */
  unauthenticatedCodes?: readonly string[];
  /**
   * DPoP sessions: the GraphQL endpoint (`HttpLink`'s `uri`), which each proof names. An
   * operation's context `uri` wins. Not needed for bearer tokens.
   */
  uri?: string;
  /** DPoP sessions whose `HttpLink` has `useGETForQueries`: proofs for queries name GET. */
  useGETForQueries?: boolean;
}

type Subscription = { unsubscribe(): void };

/** Context key holding the header this link set, to tell it from one the caller set. */
const OWN_HEADER = 'tokenkeeperAuthorization';

/** An `authorization` header in the context that this link did not set (an earlier pass may have). */
function callerAuthorization(context: Readonly<ApolloLink.OperationContext>): boolean {
  const headers: unknown = context.headers;
  if (typeof headers !== 'object' || headers === null) return false;
  return Object.entries(headers).some(
    ([name, value]) => name.toLowerCase() === 'authorization' && value !== context[OWN_HEADER],
  );
}

/** An HTTP 401 that `HttpLink` turned into an error (a non-GraphQL or `application/json` body). */
function isHttp401(error: unknown): boolean {
  return ServerError.is(error) && error.statusCode === 401;
}

/**
 * Creates a link that sets `Authorization: Bearer <live token>` in each operation's context
 * headers and marks activity. When the server refuses the token, by HTTP 401 or by a GraphQL
 * error whose `extensions.code` is `UNAUTHENTICATED`, it calls `session.handleUnauthorized` (one
 * refresh however many operations fail together) and runs the operation once more with the token
 * it gives back, before anything reaches the cache. A second refusal reaches the caller as is. When
 * no token can be had, the operation is not sent and fails with the session's typed error itself
 * (`SessionExpiredError`, `SignedOutError`, retryable `RefreshFailedError` / `OfflineError`):
 * `client.query()` and `client.mutate()` reject with it, `useQuery` returns it as `error`.
 *
 * Place it before the terminating `HttpLink` (and after a `RetryLink`, whose attempts then each
 * get the live token). An operation whose context has its own `authorization` header is left
 * alone. Subscriptions over WebSocket take their token from
 * `tokenkeeper/graphql-ws`; this link is for the HTTP side of a `split`. An operation that
 * failed as unauthenticated is sent again whole: a server should refuse the request before
 * running any mutation resolver.
 * @example
 * import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
 * import { ApolloLink } from '@apollo/client/link';
 * import { createAuthLink } from 'tokenkeeper/apollo';
 *
 * const client = new ApolloClient({
 *   cache: new InMemoryCache(),
 *   link: ApolloLink.from([
 *     createAuthLink(session),
 *     new HttpLink({ uri: 'https://api.example.com/graphql' }),
 *   ]),
 * });
 */
export function createAuthLink(session: Session, options: AuthLinkOptions = {}): ApolloLink {
  const codes = options.unauthenticatedCodes ?? DEFAULT_UNAUTHENTICATED_CODES;
  const dpop = dpopAccessOf(session);

  /** The headers for an attempt: the bearer header, or a DPoP session's scheme and proof. */
  async function headersFor(
    operation: ApolloLink.Operation,
    token: string,
  ): Promise<Record<string, string>> {
    if (!dpop) return { authorization: `Bearer ${token}` };
    const uri = operation.getContext().uri ?? options.uri;
    if (typeof uri !== 'string') {
      throw new ConfigError(
        'createAuthLink: a DPoP session needs the GraphQL endpoint: pass { uri }',
      );
    }
    const query = operation.query.definitions.some(
      (definition) => definition.kind === 'OperationDefinition' && definition.operation === 'query',
    );
    return dpop.authorize(options.useGETForQueries && query ? 'GET' : 'POST', uri, token);
  }

  /** A DPoP nonce challenge in this attempt's HTTP answer (its nonce is then remembered). */
  function nonceChallenge(operation: ApolloLink.Operation): boolean {
    const response = operation.getContext().response as Response | undefined;
    if (!dpop || !response?.headers || !isNonceChallenge(response.status, response.headers)) {
      return false;
    }
    const uri = operation.getContext().uri ?? options.uri;
    if (typeof uri === 'string') dpop.observe(uri, response.headers);
    return true;
  }

  function refused(operation: ApolloLink.Operation, result: ApolloLink.Result): boolean {
    // A 401 with an `application/graphql-response+json` body arrives as a result, not an error.
    const response = operation.getContext().response as { status?: number } | undefined;
    if (response?.status === 401) return true;
    const errors = 'errors' in result ? result.errors : undefined;
    return hasUnauthenticatedError(errors, codes);
  }

  return new ApolloLink((operation, forward) => {
    if (callerAuthorization(operation.getContext())) return forward(operation);
    return new Observable<ApolloLink.Result>((observer) => {
      let closed = false;
      const subscriptions: Subscription[] = [];

      const fail = (error: unknown): void => {
        if (!closed) observer.error(error);
      };

      const recover = (used: string, isRetry: boolean, challenged: boolean): void => {
        // A DPoP nonce challenge is answered with the same token and a proof with the nonce.
        if (challenged) {
          send(used, isRetry, true);
          return;
        }
        session.handleUnauthorized(used).then((fresh) => {
          if (!closed) send(fresh, true);
        }, fail);
      };

      function send(token: string, isRetry: boolean, nonceRetried = false): void {
        headersFor(operation, token).then((extra) => {
          if (!closed) sendWith(token, extra, isRetry, nonceRetried);
        }, fail);
      }

      function sendWith(
        token: string,
        extra: Record<string, string>,
        isRetry: boolean,
        nonceRetried: boolean,
      ): void {
        const authorization = extra.authorization;
        operation.setContext(({ headers }) => ({
          headers: { ...headers, ...extra },
          [OWN_HEADER]: authorization,
        }));
        // Only a refusal before anything reached the caller is retried; afterwards this attempt
        // is either handed over to the retry or passed through as is.
        let delivered = false;
        let handedOver = false;
        const handOver = (challenged: boolean): void => {
          handedOver = true;
          recover(token, isRetry, challenged);
        };
        /** Whether a refused attempt is retried: once for a nonce challenge, once after a refresh. */
        const retryOn = (): boolean | undefined => {
          if (!nonceRetried && nonceChallenge(operation)) return true;
          return isRetry ? undefined : false;
        };
        subscriptions.push(
          forward(operation).subscribe({
            next(result) {
              if (handedOver) return;
              if (!delivered && refused(operation, result)) {
                const challenged = retryOn();
                if (challenged !== undefined) return handOver(challenged);
              }
              delivered = true;
              observer.next(result);
            },
            error(error) {
              if (handedOver) return;
              if (!delivered && isHttp401(error)) {
                const challenged = retryOn();
                if (challenged !== undefined) return handOver(challenged);
              }
              observer.error(error);
            },
            complete() {
              if (!handedOver) observer.complete();
            },
          }),
        );
      }

      // The token read marks activity first: an operation made just before a sliding session's idle deadline counts,
      // even if its token needs a refresh that completes after the deadline.
      session.getAccessToken().then((token) => {
        if (closed) return;
        send(token, false);
      }, fail);

      return () => {
        closed = true;
        for (const subscription of subscriptions) subscription.unsubscribe();
      };
    });
  });
}
