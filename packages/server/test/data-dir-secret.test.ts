// dataDirSecret: the generated secret appears whole or not at all. A half-written file (disk
// full, a crash) would otherwise be read back as an empty secret on the next start.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { dataDirSecret } from '../src/index.js';

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return {
    ...actual,
    writeFileSync: vi.fn(actual.writeFileSync),
    writeSync: vi.fn(actual.writeSync),
  };
});

const actual = await vi.importActual<typeof import('node:fs')>('node:fs');
const root = actual.mkdtempSync(join(tmpdir(), 'tokenkeeper-secret-file-'));
afterAll(() => actual.rmSync(root, { recursive: true, force: true }));

const diskFull = () =>
  Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });

describe('dataDirSecret', () => {
  it('leaves no partial secret behind when writing it fails', () => {
    const dataDir = join(root, 'full');
    // The disk fills up at the first write of the secret, whichever call makes it: the file
    // that call targets exists (empty) afterwards, as after a real failed write.
    vi.mocked(fs.writeFileSync).mockImplementationOnce((path, _data, options) => {
      actual.writeFileSync(path as string, '', options as fs.WriteFileOptions);
      throw diskFull();
    });
    vi.mocked(fs.writeSync).mockImplementationOnce(() => {
      throw diskFull();
    });
    expect(() => dataDirSecret(dataDir)).toThrow(/ENOSPC/);
    vi.mocked(fs.writeFileSync).mockReset();
    vi.mocked(fs.writeFileSync).mockImplementation(actual.writeFileSync);
    vi.mocked(fs.writeSync).mockReset();
    vi.mocked(fs.writeSync).mockImplementation(actual.writeSync);
    // The next start generates a proper secret instead of reading an empty one.
    const secret = dataDirSecret(dataDir);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(dataDirSecret(dataDir)).toBe(secret);
    expect(actual.readdirSync(dataDir)).toEqual(['server-secret']);
    expect(actual.statSync(join(dataDir, 'server-secret')).mode & 0o777).toBe(0o600);
  });

  it('returns the secret it created on every later call', () => {
    const dataDir = join(root, 'again');
    const first = dataDirSecret(dataDir);
    for (let i = 0; i < 5; i++) expect(dataDirSecret(dataDir)).toBe(first);
  });
});
