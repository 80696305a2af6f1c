/**
 * A real `node:http` server on 127.0.0.1 for the axios, Apollo and urql adapter tests: REST under
 * `/api/...` and GraphQL over HTTP at `/graphql` (POST, or GET for queries), executed by `graphql` itself. Bearer tokens
 * are checked with `isValid` (a test points it at its scripted token endpoint), and every request
 * is recorded with the Authorization header it carried.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, GraphQLError, graphql } from 'graphql';

/**
 * How `/graphql` answers an invalid token: `graphql` a 200 whose resolvers fail with
 * `extensions.code: 'UNAUTHENTICATED'`; `http` a 401 (`application/json`);
 * `http-graphql-response` a 401 with a GraphQL body typed `application/graphql-response+json`
 * whose error has no code.
 */
export type GraphQLAuthFailure = 'graphql' | 'http' | 'http-graphql-response';

/** The operations the Apollo and urql suites send, as text: each client parses them with its own `gql`. */
export const OPERATIONS = {
  me: 'query Me { me }',
  item: 'query Item($id: Int!) { item(id: $id) { id name } }',
  like: 'mutation Like($id: Int!) { like(id: $id) }',
  secret: 'query Secret { secret }',
  httpForbidden: 'query HttpForbidden { me }',
} as const;

export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  /** The `x-trace` header: shows that a caller's own headers got through. */
  readonly trace: string | undefined;
  readonly operationName: string | undefined;
  readonly variables: Record<string, unknown> | undefined;
  readonly body: string;
}

export interface ApiServer {
  readonly url: string;
  readonly seen: Seen[];
  authFailure: GraphQLAuthFailure;
  /** Which bearer tokens are accepted. @default none */
  isValid: (token: string) => boolean;
  /** Times the `like` mutation's resolver ran (with a valid token). */
  likes: number;
  /** The next this-many requests (recorded, any route) answer 503, as a flaky gateway would. */
  unavailable: number;
  /** Clears `seen`, `likes` and `unavailable` and goes back to the `graphql` failure mode. */
  reset(): void;
  close(): Promise<void>;
}

const schema = buildSchema(`
  type Item { id: Int!, name: String! }
  type Query {
    me: String!
    item(id: Int!): Item!
    "Fails with a FORBIDDEN error: an authorization failure no refresh can fix."
    secret: String
  }
  type Mutation { like(id: Int!): Int! }
`);

interface Context {
  authorized: boolean;
}

function requireAuth(context: Context): void {
  if (!context.authorized) {
    throw new GraphQLError('Not authenticated', { extensions: { code: 'UNAUTHENTICATED' } });
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const headers: Record<string, string> = { 'content-type': type };
  if (status === 401) headers['www-authenticate'] = 'Bearer error="invalid_token"';
  res.writeHead(status, headers).end(typeof body === 'string' ? body : JSON.stringify(body));
}

export async function startApiServer(): Promise<ApiServer> {
  const api: Omit<ApiServer, 'url' | 'close'> = {
    seen: [],
    authFailure: 'graphql',
    isValid: () => false,
    likes: 0,
    unavailable: 0,
    reset() {
      api.seen.length = 0;
      api.likes = 0;
      api.unavailable = 0;
      api.authFailure = 'graphql';
    },
  };
  const rootValue = {
    me: (_args: unknown, context: Context) => {
      requireAuth(context);
      return 'ada';
    },
    item: ({ id }: { id: number }, context: Context) => {
      requireAuth(context);
      return { id, name: `item ${id}` };
    },
    secret: (_args: unknown, context: Context) => {
      requireAuth(context);
      throw new GraphQLError('Forbidden', { extensions: { code: 'FORBIDDEN' } });
    },
    like: (_args: { id: number }, context: Context) => {
      requireAuth(context);
      return ++api.likes;
    },
  };

  async function graphqlRoute(req: IncomingMessage, res: ServerResponse, body: string) {
    const { query, variables, operationName } = graphqlParams(req, body);
    const authorized = api.isValid(bearer(req));
    api.seen.push(record(req, body, { operationName, variables }));
    if (api.unavailable > 0 && api.unavailable--)
      return send(res, 503, 'unavailable', 'text/plain');
    if (operationName === 'HttpForbidden') return send(res, 403, 'forbidden', 'text/plain');
    if (!authorized && api.authFailure === 'http') {
      const errors = [{ message: 'Not authenticated', extensions: { code: 'UNAUTHENTICATED' } }];
      return send(res, 401, { errors });
    }
    if (!authorized && api.authFailure === 'http-graphql-response') {
      // No error code: the status alone must say that the token was refused.
      const errors = [{ message: 'Invalid token' }];
      return send(res, 401, { errors }, 'application/graphql-response+json');
    }
    const result = await graphql({
      schema,
      source: query,
      variableValues: variables,
      operationName,
      rootValue,
      contextValue: { authorized } satisfies Context,
    });
    send(res, 200, result);
  }

  function restRoute(req: IncomingMessage, res: ServerResponse, body: string, path: string) {
    api.seen.push(record(req, body, {}));
    if (api.unavailable > 0 && api.unavailable--) return send(res, 503, { error: 'unavailable' });
    if (path.startsWith('/api/forbidden')) return send(res, 403, { error: 'forbidden' });
    if (path.startsWith('/api/broken')) return send(res, 500, { error: 'broken' });
    if (!api.isValid(bearer(req))) return send(res, 401, { error: 'invalid_token' });
    send(res, 200, { ok: true, path, body });
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    readBody(req)
      .then((body) => {
        // POST, and GET for queries (urql's default `preferGetMethod: 'within-url-limit'`).
        if (path === '/graphql') return graphqlRoute(req, res, body);
        if (path.startsWith('/api/')) return restRoute(req, res, body, path);
        send(res, 404, { error: 'not_found' });
      })
      .catch((error: unknown) => send(res, 500, { error: String(error) }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(api, {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

interface GraphQLParams {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

function graphqlParams(req: IncomingMessage, body: string): GraphQLParams {
  if (req.method === 'POST') return JSON.parse(body) as GraphQLParams;
  const search = new URL(req.url ?? '/', 'http://x').searchParams;
  const variables = search.get('variables');
  return {
    query: search.get('query') ?? '',
    variables: variables ? (JSON.parse(variables) as Record<string, unknown>) : undefined,
    operationName: search.get('operationName') ?? undefined,
  };
}

function bearer(req: IncomingMessage): string {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : '';
}

function record(
  req: IncomingMessage,
  body: string,
  graphql: { operationName?: string; variables?: Record<string, unknown> },
): Seen {
  return {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    authorization: req.headers.authorization,
    trace: req.headers['x-trace'] as string | undefined,
    operationName: graphql.operationName,
    variables: graphql.variables,
    body,
  };
}
