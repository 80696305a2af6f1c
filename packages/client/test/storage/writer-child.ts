/**
 * Writes the session file in a loop until killed: the test kills it mid-write, over and over.
 * Usage: node --import tsx --conditions=source writer-child.ts <file>
 * Prints "ready" once the first write has landed, then "w" after every write. Key from TOKENKEEPER_STORAGE_KEY.
 */
import { fileStorage } from '../../src/storage/file.js';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: writer-child.ts <file>');
const storage = fileStorage(file);
// A small value: most of each write is its fsync, while the temp file exists.
const value = 'x'.repeat(1024);
await storage.set('tokenkeeper.session', value);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  await storage.set('tokenkeeper.session', `${value}${i}`);
  process.stdout.write('w\n');
}
