// A server process killed with SIGKILL in the middle of refresh load leaves every family
// consistent, and after a restart each client's retry with the token it last held succeeds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../src/index.js';
import { decodeRefreshToken } from '../src/service/tokens/refresh-token.js';
import { exited, runCli, startServe } from './cli-process.js';
import { post, refreshBody } from './support.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tokenkeeper-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Client {
  held: string;
  rotations: number;
}

describe('SIGKILL during refresh load', () => {
  it('keeps every family consistent and lets each client recover with its last token', async () => {
    const added = await runCli(['users', 'add', 'erin', '--data-dir', dataDir], 'erin-password\n');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);

    // A 60 s grace window: the restart takes a few seconds of real time.
    const flags = ['--data-dir', dataDir, '--reuse-grace', '60s'];
    const first = await startServe(flags);
    const clients: Client[] = [];
    for (let i = 0; i < 8; i++) {
      const login = await post(first.url, '/auth/login', {
        username: 'erin',
        password: 'erin-password',
      });
      expect(login.status).toBe(200);
      clients.push({ held: String(login.body?.refresh_token), rotations: 0 });
    }
    let total = 0;
    let killed = false;
    // Each client refreshes in a loop, keeping the last token it actually received.
    const loops = clients.map(async (client) => {
      while (!killed) {
        try {
          const answer = await post(first.url, '/oauth/token', refreshBody(client.held));
          expect(answer.status).toBe(200);
          client.held = String(answer.body?.refresh_token);
          client.rotations++;
          total++;
        } catch (error) {
          if (!killed) throw error;
        }
      }
    });
    while (total < 150) await new Promise((resolve) => setTimeout(resolve, 5));
    killed = true;
    first.child.kill('SIGKILL');
    await Promise.all(loops);
    await exited(first.child);

    const second = await startServe(flags);
    for (const client of clients) {
      // The response to the killed request was lost: retry with the token still held. Either
      // the rotation never committed (it rotates now) or it did (the predecessor replays).
      const retry = await post(second.url, '/oauth/token', refreshBody(client.held));
      expect(retry.status, JSON.stringify(retry.body)).toBe(200);
      const next = await post(
        second.url,
        '/oauth/token',
        refreshBody(String(retry.body?.refresh_token)),
      );
      expect(next.status).toBe(200);
      client.held = String(next.body?.refresh_token);
    }
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);

    const audit = await runCli(['audit', '--json', '--limit', '100000', '--data-dir', dataDir]);
    expect(audit.code).toBe(0);
    const rows = audit.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditRecord);
    for (const client of clients) {
      const parts = decodeRefreshToken(client.held);
      const mine = rows.filter((row) => row.familyId === parts?.familyId);
      expect(mine.filter((row) => row.outcome === 'reuse_revoked')).toEqual([]);
      // One committed rotation per generation, no gaps, no duplicates, ending right below
      // the generation the client now holds.
      const rotated = mine
        .filter((row) => row.outcome === 'rotate')
        .map((row) => row.generation)
        .sort((a, b) => Number(a) - Number(b));
      const held = parts?.generation ?? 0;
      expect(rotated).toEqual(Array.from({ length: held - 1 }, (_, i) => i + 1));
      expect(mine.filter((row) => row.outcome === 'login')).toHaveLength(1);
    }
  }, 90_000);
});
