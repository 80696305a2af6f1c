/**
 * A loopback server that stands in for providers' hosts: requests for `https://<host>/<path>`
 * reach it as `/<host>/<path>` through {@link Replay.fetch}, which the README tests install as
 * the global fetch, so the README's code runs unchanged with its real provider URLs. Each route
 * answers with a recorded response the test picks, and every request is kept for the test to
 * check (method, host, path, query, headers, form or JSON body).
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import recorded from '../../providers/recorded.json' with { type: 'json' };

/** One recorded answer of recorded.json. */
export interface Recorded {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

interface ProviderRecording {
  signIn?: Recorded[];
  refresh?: Recorded[];
  errors?: Recorded[];
}

/** The recorded answer `id` of `provider` (throws when the recording has no such answer). */
export function recordedAnswer(provider: string, id: string): Recorded {
  const recording = (recorded.providers as unknown as Record<string, ProviderRecording>)[provider];
  const all = [
    ...(recording?.signIn ?? []),
    ...(recording?.refresh ?? []),
    ...(recording?.errors ?? []),
  ];
  const answer = all.find((candidate) => candidate.id === id);
  if (answer === undefined) throw new Error(`no recorded answer ${id} for ${provider}`);
  return answer;
}

/** RFC 7009 §2.2: a successful revocation is a 200 with an empty body. */
export const REVOKED: Recorded = { id: 'rfc7009.ok', status: 200, body: {} };

export interface ReplayedRequest {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The form fields of a form-encoded body. */
  readonly form: Record<string, string>;
  /** The parsed body of a JSON body. */
  readonly json: Record<string, unknown> | undefined;
}

export type Route = (request: ReplayedRequest) => Recorded;

export interface Replay {
  /** A fetch that sends `https://<host>/...` to this server; anything else is refused. */
  readonly fetch: typeof fetch;
  /** Answers requests for `host` + `path` (e.g. `oauth2.googleapis.com/token`). */
  route(hostAndPath: string, answer: Route): void;
  /** Requests for `host` + `path`, in order. */
  requests(hostAndPath: string): ReplayedRequest[];
  close(): Promise<void>;
}

export async function startReplay(): Promise<Replay> {
  const realFetch = globalThis.fetch;
  const routes = new Map<string, Route>();
  const seen: (ReplayedRequest & { key: string })[] = [];
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const url = new URL(req.url ?? '/', 'http://replay');
    const [, host = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const type = req.headers['content-type'] ?? '';
    const request: ReplayedRequest = {
      method: req.method ?? 'GET',
      host,
      path,
      query: url.searchParams,
      headers: req.headers,
      form: type.startsWith('application/x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(raw))
        : {},
      json: type.startsWith('application/json') ? JSON.parse(raw) : undefined,
    };
    const key = `${host}${path}`;
    seen.push({ ...request, key });
    const route = routes.get(key);
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no_route"}');
      return;
    }
    const answer = route(request);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer === REVOKED ? '' : JSON.stringify(answer.body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const replayFetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'https:')
      throw new TypeError(`replay serves https URLs only: ${url.origin}`);
    return realFetch(`${origin}/${url.host}${url.pathname}${url.search}`, init);
  };
  return {
    fetch: replayFetch as typeof fetch,
    route: (hostAndPath, answer) => routes.set(hostAndPath, answer),
    requests: (hostAndPath) => seen.filter((request) => request.key === hostAndPath),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
