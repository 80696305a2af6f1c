/**
 * The demo page, built once at start with Vite and served as static files: no dev server, no
 * HMR socket, one copy of every dependency.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const webRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface BuiltPage {
  /** Answers any GET for the page or its assets; unknown paths get index.html (one-page app). */
  serve(request: Request): Response;
  /** Deletes the build. */
  remove(): void;
}

export async function buildPage(): Promise<BuiltPage> {
  const outDir = mkdtempSync(join(tmpdir(), 'tokenkeeper-demo-page-'));
  await build({
    root: webRoot,
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
    build: { outDir, emptyOutDir: true, sourcemap: true },
  });
  const read = (path: string): Buffer | undefined => {
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  };
  return {
    serve(request) {
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return new Response(null, { status: 405 });
      const path = normalize(decodeURIComponent(new URL(request.url).pathname)).replace(
        /^(\.\.[/\\])+/,
        '',
      );
      const asset = path.startsWith('/assets/') ? read(join(outDir, path)) : undefined;
      if (asset) {
        const headers = {
          'content-type': types[extname(path)] ?? 'application/octet-stream',
          'cache-control': 'public, max-age=31536000, immutable', // file names carry a hash
        };
        return new Response(new Uint8Array(asset), { headers });
      }
      if (path.startsWith('/assets/')) return new Response('not found', { status: 404 });
      const index = read(join(outDir, 'index.html'));
      if (!index) return new Response('the page was not built', { status: 500 });
      return new Response(new Uint8Array(index), {
        headers: { 'content-type': types['.html']!, 'cache-control': 'no-cache' },
      });
    },
    remove() {
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
