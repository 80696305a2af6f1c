// Rotation throughput: rotations per second and p50/p99 latency through the token service
// (conditional UPDATE + audit row + ES256 signature, one transaction each) on the embedded
// store and on PostgreSQL, beside the rate of single-row UPDATEs the same PostgreSQL sustains
// in the same run: one durable write per rotation is the physical limit.
//
//   npm run bench -w tokenkeeper-server     (DATABASE_URL enables the PostgreSQL rows)
//   BENCH_SECONDS=10 BENCH_CONCURRENCY=32 npm run bench -w tokenkeeper-server
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTokenService,
  type Database,
  openPostgresDatabase,
  openStore,
  type Store,
} from '../src/index.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const databaseUrl = process.env.DATABASE_URL;

interface Result {
  label: string;
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

/** Runs `concurrency` workers calling `step(worker)` for `seconds`; records each latency. */
async function measure(label: string, step: (worker: number) => Promise<void>): Promise<Result> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await step(worker);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    label,
    count: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

async function rotations(label: string, store: Store): Promise<Result> {
  const service = await createTokenService({
    store,
    issuer: 'https://bench.test',
    audience: 'bench',
    secret: randomBytes(32),
    passwordHashing: { N: 1024, r: 8, p: 1 },
  });
  const name = `bench-${randomBytes(4).toString('hex')}`;
  await service.users.add(name, 'bench-password');
  // One session per worker: rotations of different families never wait on each other's row.
  const held = await Promise.all(
    Array.from(
      { length: concurrency },
      async () =>
        (await service.login({ username: name, password: 'bench-password' })).refresh_token,
    ),
  );
  return measure(label, async (worker) => {
    held[worker] = (await service.refresh(held[worker] ?? '')).refresh_token;
  });
}

async function singleRowUpdates(db: Database): Promise<Result> {
  await db.exec('CREATE TABLE bench_rows (id integer PRIMARY KEY, n bigint NOT NULL)');
  await db.exec(
    `INSERT INTO bench_rows SELECT g, 0 FROM generate_series(0, ${concurrency - 1}) AS g`,
  );
  return measure('PostgreSQL single-row UPDATE (autocommit)', async (worker) => {
    await db.query('UPDATE bench_rows SET n = n + 1 WHERE id = $1', [worker]);
  });
}

function print(results: Result[]) {
  const rows = results.map((r) => [
    r.label,
    r.perSecond.toFixed(0),
    r.p50.toFixed(2),
    r.p99.toFixed(2),
    String(r.count),
  ]);
  const header = ['', 'per second', 'p50 ms', 'p99 ms', 'operations'];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
}

async function main() {
  process.stdout.write(
    `rotation benchmark: ${concurrency} concurrent sessions, ${seconds}s per measurement, node ${process.version}\n\n`,
  );
  const results: Result[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tokenkeeper-bench-'));
  const embedded = await openStore({ dataDir: dir });
  try {
    results.push(await rotations('embedded (PGlite, file-backed) rotations', embedded));
  } finally {
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (!databaseUrl) {
    print(results);
    process.stdout.write('\nDATABASE_URL is not set: PostgreSQL rows skipped.\n');
    return;
  }
  const schema = `tk_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const store = await openStore({ databaseUrl, databaseSchema: schema, poolSize: concurrency });
  const raw = await openPostgresDatabase({
    connectionString: databaseUrl,
    schema,
    max: concurrency,
  });
  try {
    const pgRotations = await rotations('PostgreSQL rotations', store);
    const updates = await singleRowUpdates(raw);
    results.push(pgRotations, updates);
    print(results);
    process.stdout.write(
      `\nPostgreSQL rotations / single-row UPDATEs = ${(pgRotations.perSecond / updates.perSecond).toFixed(2)}\n`,
    );
  } finally {
    await raw.exec(`DROP SCHEMA ${schema} CASCADE`);
    await raw.close();
    await store.close();
  }
}

await main();
