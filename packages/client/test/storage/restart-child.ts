/**
 * One run of a CLI that keeps its session in a file: `login` signs in through the test's token
 * API, `resume` starts from the file and calls `/me`. Prints one JSON line, then exits.
 * Usage: node --import tsx --conditions=source restart-child.ts <login|resume> <baseUrl> <file>
 * The file key comes from TOKENKEEPER_STORAGE_KEY.
 */
import { createSession, oauth2Refresh, type SessionEvent } from 'tokenkeeper';
import { createFetch } from 'tokenkeeper/fetch';
import { fileStorage } from '../../src/storage/file.js';

const [mode, base, file] = process.argv.slice(2);
if (!base || !file || (mode !== 'login' && mode !== 'resume')) {
  throw new Error('usage: restart-child.ts <login|resume> <baseUrl> <file>');
}

const session = createSession({
  storage: fileStorage(file),
  refresh: oauth2Refresh({ tokenEndpoint: `${base}/oauth/token` }),
});
const events: SessionEvent['type'][] = [];
session.subscribe((event) => events.push(event.type));
await session.ready();
const statusAtStart = session.getSnapshot().status;

let me: { status: number; body: unknown } | undefined;
if (mode === 'login') {
  const response = await fetch(`${base}/login`, { method: 'POST' });
  await session.signIn(await response.json());
} else {
  const api = createFetch(session, { origins: [base] });
  const response = await api(`${base}/me`);
  me = { status: response.status, body: await response.json() };
}
// dispose() keeps storage: a write still queued (the refreshed tokens) finishes before Node exits.
session.dispose();
process.stdout.write(`${JSON.stringify({ statusAtStart, events, me })}\n`);
