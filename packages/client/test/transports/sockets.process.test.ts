import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';

const CHILD = fileURLToPath(new URL('./reconnect-child.ts', import.meta.url));
const REPO = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));

let server: WebSocketServer | undefined;
afterEach(async () => {
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise((done) => server?.close(done) ?? done(undefined));
  server = undefined;
});

describe('socket adapters in a Node process', () => {
  it('a socket waiting out its reconnect backoff keeps the process alive until it reconnects', async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let connections = 0;
    server.on('connection', (socket) => {
      connections++;
      // The first connection is dropped as by a server restart (1011): a network failure, so
      // the adapter waits a jittered backoff before it reconnects.
      if (connections === 1) socket.close(1011, 'restarting');
    });

    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', CHILD, url], {
      cwd: REPO,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const [code] = (await once(child, 'close')) as [number | null];
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out.trim().split('\n')).toEqual(['opened', 'reconnected']);
    expect(connections).toBe(2);
  }, 30_000);
});
