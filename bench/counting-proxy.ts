/**
 * A pass-through HTTP proxy on 127.0.0.1 in front of the token server that counts refresh
 * requests (`POST /oauth/token`) before they reach it: the audit log cannot count a request
 * the server refuses before it knows the session (a contender that lost its refresh token
 * sends an empty one). Keep-alive on both sides; bodies and headers are forwarded unchanged.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  readonly origin: string;
  /** `POST /oauth/token` requests received so far. */
  refreshRequests(): number;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  let refreshRequests = 0;

  function forward(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
    response: ServerResponse,
    attempt: number,
  ): void {
    const outgoing = httpRequest(
      { host: upstream.hostname, port: upstream.port, method, path, headers, agent },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    outgoing.on('error', (error) => {
      // A kept-alive connection the server closed just as we reused it: the request never
      // reached the server, so sending it again on a new connection is safe (Node's advice).
      if (outgoing.reusedSocket && attempt === 0) {
        forward(method, path, headers, body, response, 1);
        return;
      }
      process.stderr.write(`counting proxy: ${error.message}\n`);
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    outgoing.end(body);
  }

  const server = createServer((request, response) => {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    if (method === 'POST' && path.startsWith('/oauth/token')) refreshRequests++;
    readBody(request).then(
      (body) => forward(method, path, request.headers, body, response, 0),
      () => response.writeHead(400).end(),
    );
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    refreshRequests: () => refreshRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
