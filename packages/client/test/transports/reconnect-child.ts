/**
 * A Node process whose only work is one authenticated WebSocket (see sockets.process.test.ts):
 * prints each open, and exits once the socket has reconnected after the server dropped it.
 */
import { createSession } from 'tokenkeeper';
import { createAuthWebSocket } from 'tokenkeeper/websocket';
import WebSocket from 'ws';

const [url] = process.argv.slice(2);
const session = createSession({});
await session.signIn({ access_token: 'child-token', expires_in: 3600 });
const socket = createAuthWebSocket(session, { url: url!, WebSocket, auth: 'header' });
socket.on((event) => {
  if (event.type === 'open') {
    console.log(event.reconnect ? 'reconnected' : 'opened');
    if (event.reconnect) {
      socket.close();
      session.dispose();
    }
  }
});
