/**
 * `tokenkeeper/urql`: an exchange for `@urql/core` 6 that gives each operation the session's live
 * token, and runs it once more after a refresh when the server refuses the token.
 */
import {
  type Exchange,
  makeErrorResult,
  makeOperation,
  type Operation,
  type OperationResult,
} from '@urql/core';
import { makeFetchBody, makeFetchOptions, makeFetchURL } from '@urql/core/internal';
import {
  filter,
  fromPromise,
  makeSubject,
  merge,
  mergeMap,
  onPush,
  pipe,
  share,
  takeUntil,
} from 'wonka';
import { dpopAccessOf } from '../session/adapter-access.js';
import type { Session } from '../session/create-session.js';
import { isNonceChallenge } from './dpop-challenge.js';
import { DEFAULT_UNAUTHENTICATED_CODES, hasUnauthenticatedError } from './graphql-auth-error.js';

export interface TokenkeeperExchangeOptions {
  /**
   * `extensions.code` values of GraphQL errors that mean the token was refused (the server
   * answered 200 with errors). An HTTP 401 always counts.
   * @default ['UNAUTHENTICATED']
   */
  unauthenticatedCodes?: readonly string[];
}

/** Kept in the operation's context: the token it was sent with, and whether it is the retry. */
const ATTEMPT = 'tokenkeeperAttempt';
interface Attempt {
  readonly token: string;
  /** The one retry after a refresh. */
  readonly retry: boolean;
  /** DPoP: the one retry that answered the server's nonce challenge. */
  readonly nonceRetry?: boolean;
}

function requestInit(operation: Operation): RequestInit {
  const { fetchOptions } = operation.context;
  return (typeof fetchOptions === 'function' ? fetchOptions() : fetchOptions) ?? {};
}

function withToken(
  operation: Operation,
  attempt: Attempt,
  extra: Record<string, string> = { authorization: `Bearer ${attempt.token}` },
): Operation {
  const init = requestInit(operation);
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return makeOperation(operation.kind, operation, {
    ...operation.context,
    fetchOptions: { ...init, headers: Object.fromEntries(headers) },
    [ATTEMPT]: attempt,
  });
}

const isResult = (value: Operation | OperationResult): value is OperationResult =>
  'operation' in value;
const isOperation = (value: Operation | OperationResult): value is Operation =>
  !('operation' in value);

/**
 * Creates an exchange that sets `Authorization: Bearer <live token>` in each operation's
 * `fetchOptions` and marks activity. When the server refuses the token of a query or mutation, by
 * HTTP 401 (`error.response.status`) or by a GraphQL error whose `extensions.code` is
 * `UNAUTHENTICATED`, it calls `session.handleUnauthorized` (one refresh however many operations
 * fail together) and sends the operation once more with the token it gives back; the refused
 * result never reaches the caller. A second refusal does, as is. When no token can be had, the
 * operation is not sent and its result carries the session's typed error as
 * `result.error.networkError` (`SessionExpiredError`, `SignedOutError`, retryable
 * `RefreshFailedError` / `OfflineError`); urql results resolve, they do not reject.
 *
 * Place it after `cacheExchange` (cached results need no token) and before `fetchExchange`. An
 * operation whose `fetchOptions` carry its own `authorization` header is left alone; one sent
 * again with the context of an earlier attempt (retryExchange) gets the live token.
 * Subscriptions get the header too, for `fetchSubscriptions`, but are not re-run; over WebSocket
 * they take their token from `tokenkeeper/graphql-ws`. Needs `wonka`, which `@urql/core` installs.
 * @example
 * import { Client, cacheExchange, fetchExchange } from '@urql/core';
 * import { tokenkeeperExchange } from 'tokenkeeper/urql';
 *
 * const client = new Client({
 *   url: 'https://api.example.com/graphql',
 *   // order matters: the token is added on the way to fetchExchange
 *   exchanges: [cacheExchange, tokenkeeperExchange(session), fetchExchange],
 * });
 * const { data, error } = await client.query(MeQuery, {}).toPromise();
 * if (isSessionExpiredError(error?.networkError)) showSignIn();
 */
export function tokenkeeperExchange(
  session: Session,
  options: TokenkeeperExchangeOptions = {},
): Exchange {
  const codes = options.unauthenticatedCodes ?? DEFAULT_UNAUTHENTICATED_CODES;
  const dpop = dpopAccessOf(session);

  /** A DPoP session's operation with headers and a proof for its URL and method. */
  async function authorized(operation: Operation, attempt: Attempt): Promise<Operation> {
    if (!dpop) return withToken(operation, attempt);
    // The method and URL fetchExchange will use: urql sends short queries as GET.
    const body = makeFetchBody(operation);
    const { method = 'POST' } = makeFetchOptions(operation, body);
    const url = makeFetchURL(operation, body);
    const headers = await dpop.authorize(method, url, attempt.token);
    return withToken(operation, attempt, headers);
  }

  /** A DPoP nonce challenge this operation has not answered yet (its nonce is remembered). */
  function nonceChallenge(result: OperationResult): boolean {
    const attempt = result.operation.context[ATTEMPT] as Attempt | undefined;
    const response = result.error?.response as Response | undefined;
    if (!dpop || !attempt || attempt.nonceRetry || !response?.headers) return false;
    if (!isNonceChallenge(response.status, response.headers)) return false;
    dpop.observe(result.operation.context.url, response.headers);
    return true;
  }

  function shouldRetry(result: OperationResult): boolean {
    const { operation, error } = result;
    const attempt = operation.context[ATTEMPT] as Attempt | undefined;
    if (!attempt || !error) return false;
    if (operation.kind !== 'query' && operation.kind !== 'mutation') return false;
    if (nonceChallenge(result)) return true;
    if (attempt.retry) return false;
    const status = (error.response as { status?: unknown } | undefined)?.status;
    return status === 401 || hasUnauthenticatedError(error.graphQLErrors, codes);
  }

  // The session rejects only with its typed errors, which become the result's `networkError`.
  async function firstAttempt(operation: Operation): Promise<Operation | OperationResult> {
    // A header this exchange set earlier (an operation re-executed with its old context, as
    // retryExchange does) is replaced by the live token; any other is the caller's choice.
    const header = new Headers(requestInit(operation).headers).get('authorization');
    const own = operation.context[ATTEMPT] as Attempt | undefined;
    const ownHeader = own && (header?.endsWith(` ${own.token}`) ?? false);
    if (header !== null && !ownHeader) return operation;
    try {
      // The token read marks activity first: a request made just before a sliding session's idle deadline counts,
      // even if its token needs a refresh that completes after the deadline.
      const token = await session.getAccessToken();
      return await authorized(operation, { token, retry: false });
    } catch (error) {
      return makeErrorResult(operation, error as Error);
    }
  }

  async function retry(result: OperationResult): Promise<Operation | OperationResult> {
    const attempt = result.operation.context[ATTEMPT] as Attempt;
    try {
      // A nonce challenge: the same token, a proof with the nonce, no refresh.
      if (nonceChallenge(result)) {
        return await authorized(result.operation, { ...attempt, nonceRetry: true });
      }
      const token = await session.handleUnauthorized(attempt.token);
      return await authorized(result.operation, { token, retry: true, nonceRetry: false });
    } catch (error) {
      return makeErrorResult(result.operation, error as Error);
    }
  }

  return ({ forward }) =>
    (operations$) => {
      const ops$ = share(operations$);
      const retries = makeSubject<Operation>();
      // Waiting for a token or a refresh ends when the caller tears the operation down.
      const untilTornDown = (operation: Operation) =>
        takeUntil<Operation, Operation | OperationResult>(
          pipe(
            ops$,
            filter((op) => op.kind === 'teardown' && op.key === operation.key),
          ),
        );

      const prepared$ = share(
        pipe(
          ops$,
          filter((op) => op.kind !== 'teardown'),
          mergeMap((op) => pipe(fromPromise(firstAttempt(op)), untilTornDown(op))),
        ),
      );
      const teardowns$ = pipe(
        ops$,
        filter((op) => op.kind === 'teardown'),
      );
      const authorized$ = pipe(prepared$, filter(isOperation));
      const results$ = share(forward(merge([teardowns$, authorized$, retries.source])));
      const failedRetries$ = pipe(
        results$,
        filter(shouldRetry),
        mergeMap((result) => pipe(fromPromise(retry(result)), untilTornDown(result.operation))),
        onPush((next) => {
          if (isOperation(next)) retries.next(next);
        }),
        filter(isResult),
      );
      const unsent$ = pipe(prepared$, filter(isResult));
      return merge([
        unsent$,
        pipe(
          results$,
          filter((result) => !shouldRetry(result)),
        ),
        failedRetries$,
      ]);
    };
}
