/**
 * Real-browser tests: Debian's chromium driven by playwright-core, pages whose TypeScript Vite
 * transforms on the fly (workspace packages resolve to their sources), and an optional
 * Web-standard handler (the token server, a resource API) on the same origin.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { createServer as createViteServer, type ViteDevServer } from 'vite';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const repoRoot = resolve(import.meta.dirname, '../..');

if (!hasChromium) {
  process.stderr.write(
    `\n[tokenkeeper tests] SKIPPING browser suite: ${CHROMIUM} not found (apt-get install chromium)\n`,
  );
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Starts chromium headless with a fresh profile. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'tokenkeeper-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type Handler = (request: Request) => Promise<Response | undefined> | Response | undefined;

export interface BrowserApp {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(key, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(key, item);
  }
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks);
  return new Request(new URL(req.url ?? '/', origin), { method, headers, body });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * Serves `pages` (path -> TypeScript entry file) as HTML pages that load the entry as a module,
 * and passes every other request to `handler` first, then to Vite.
 */
export async function startBrowserApp(options: {
  pages: Record<string, string>;
  handler?: Handler;
  /** CommonJS dependencies the pages import (e.g. react) that Vite must pre-bundle. */
  prebundle?: string[];
}): Promise<BrowserApp> {
  const vite: ViteDevServer = await createViteServer({
    root: repoRoot,
    configFile: false,
    logLevel: 'error',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, fs: { allow: [repoRoot] } },
    resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
    optimizeDeps: { noDiscovery: true, include: options.prebundle ?? [] },
    oxc: { jsx: { runtime: 'automatic' } },
  });
  let origin = '';
  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const entry = options.pages[path];
      if (entry) {
        const html = `<!doctype html><html><head><meta charset="utf-8"><title>${path}</title></head><body><script type="module" src="/@fs${resolve(entry)}"></script></body></html>`;
        res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(html);
        return;
      }
      if (options.handler && !path.startsWith('/@') && !path.startsWith('/node_modules/')) {
        const response = await options.handler(await toRequest(req, origin));
        if (response) {
          await send(res, response);
          return;
        }
      }
      vite.middlewares(req, res, () => res.writeHead(404).end('not found'));
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await vite.close();
    },
  };
}
