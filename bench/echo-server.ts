/**
 * The overhead benchmark's loopback server, in a process of its own so it does not share the
 * client's event loop: node:http with keep-alive, answering every request 200 with a small JSON
 * body and checking nothing, so whatever a client adds shows in full. → listening { origin }.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort } from './child.js';

const BODY = JSON.stringify({ items: [1, 2, 3] });
const port = parentPort();
const server = createServer((request, response) => {
  request.resume();
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
  response.end(BODY);
});
server.keepAliveTimeout = 60_000;
server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, () => {
  const { port: listening } = server.address() as AddressInfo;
  port.send({ type: 'listening', origin: `http://127.0.0.1:${listening}` });
});
// The parent ends this process when it is done (or dies): the IPC channel closes.
process.on('disconnect', () => process.exit(0));
