/**
 * `npm start`: the whole demo on 127.0.0.1 with an embedded store in apps/demo/.data.
 */
import { resolve } from 'node:path';
import { DEMO_LIFETIMES, DEMO_REUSE_GRACE, DEMO_USER, startDemo } from './server.js';

const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(
    `PORT must be a port number (0-65535), got ${JSON.stringify(process.env.PORT)}\n`,
  );
  process.exit(2);
}
const dataDir = resolve(process.env.TOKENKEEPER_DEMO_DATA ?? '.data');

try {
  const demo = await startDemo({ port, dataDir });
  process.stdout.write(
    [
      '',
      `  tokenkeeper demo: ${demo.url}`,
      `  sign in as ${DEMO_USER.username} / ${DEMO_USER.password}`,
      `  access tokens ${DEMO_LIFETIMES.web.accessTtl}; idle ${DEMO_LIFETIMES.web.idleTimeout} (web) or ${DEMO_LIFETIMES.mobile.idleTimeout} (mobile); reuse grace ${DEMO_REUSE_GRACE}`,
      `  data: ${dataDir}`,
      '  Ctrl+C stops it.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    process.stdout.write('\n  stopping...\n');
    demo.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`  stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'EADDRINUSE' ? `port ${port} is in use (set PORT to choose another)` : String(error);
  process.stderr.write(`  the demo could not start: ${reason}\n`);
  process.exit(1);
}
