/**
 * A reverse proxy on 127.0.0.1 in front of a server under test: it counts the requests by method
 * and path, and keeps every token-looking value of every JSON answer, so a test can search the
 * audit's output for any token the server ever handed out. URLs of the target in answers
 * (discovery metadata) are rewritten to the proxy's, so nothing bypasses it.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  readonly url: string;
  /** "POST /auth/login" → count. */
  readonly counts: Map<string, number>;
  /** "POST /auth/login 200" → count. */
  readonly answered: Map<string, number>;
  readonly total: () => number;
  /** access_token and refresh_token values of every answer. */
  readonly tokens: Set<string>;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function collect(text: string, into: Set<string>): void {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    for (const key of ['access_token', 'refresh_token', 'id_token']) {
      if (typeof value[key] === 'string') into.add(value[key] as string);
    }
  } catch {
    // not JSON: nothing to collect
  }
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const counts = new Map<string, number>();
  const answered = new Map<string, number>();
  const tokens = new Set<string>();
  let url = '';
  const http = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', target).pathname;
    const key = `${req.method} ${path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'connection'),
    ) as Record<string, string>;
    const payload = await body(req);
    const answer = await fetch(`${target}${req.url}`, {
      method: req.method ?? 'GET',
      headers,
      ...(payload.length > 0 ? { body: new Uint8Array(payload) } : {}),
      redirect: 'manual',
    });
    const status = `${key} ${answer.status}`;
    answered.set(status, (answered.get(status) ?? 0) + 1);
    const text = (await answer.text()).split(target).join(url);
    collect(text, tokens);
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'content-encoding' && name !== 'transfer-encoding')
        out[name] = value;
    });
    res.writeHead(answer.status, out);
    res.end(text);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    counts,
    answered,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    tokens,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
