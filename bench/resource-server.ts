/**
 * A protected API on 127.0.0.1 (node:http, keep-alive): every request's bearer token is checked
 * by the token server's own verifier; 200 with a small JSON body, or 401 with the RFC 6750
 * challenge. Counts what it answered, so 401s are counted where they happen.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ResourceServer {
  /** e.g. `http://127.0.0.1:40123` */
  readonly origin: string;
  readonly answered: { ok: number; unauthorized: number };
  close(): Promise<void>;
}

const OK_BODY = JSON.stringify({ items: [1, 2, 3] });
const CHALLENGE = 'Bearer realm="bench", error="invalid_token"';

/** `verify` resolves for a valid token and rejects (with a refusal) otherwise. */
export async function startResourceServer(
  verify: (token: string) => Promise<unknown>,
  isRefusal: (error: unknown) => boolean,
): Promise<ResourceServer> {
  const answered = { ok: 0, unauthorized: 0 };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    try {
      if (!token) throw new Error('no bearer token');
      await verify(token);
    } catch (error) {
      if (token && !isRefusal(error)) throw error;
      answered.unauthorized++;
      response.writeHead(401, {
        'content-type': 'application/json',
        'www-authenticate': CHALLENGE,
      });
      response.end('{"error":"invalid_token"}');
      return;
    }
    answered.ok++;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(OK_BODY);
  };
  const server = createServer((request, response) => {
    request.resume();
    handle(request, response).catch((error: unknown) => {
      process.stderr.write(`resource server: ${String(error)}\n`);
      response.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    answered,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
