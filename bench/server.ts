/**
 * Server: rotations per second and access-token verifications per second through
 * tokenkeeper-server's service, on the embedded store (PGlite, file-backed) and on PostgreSQL,
 * each beside the raw operation it cannot beat, measured in the same run in interleaved slices:
 * a single-row UPDATE on the same database for a rotation (one durable write is its physical
 * floor), node:crypto's ES256 verify of the same token for a verification. The approach of
 * packages/server/bench/rotation.ts: one session per worker, closed loop.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedDatabase, openPostgresDatabase } from 'tokenkeeper-server';
import { type Call, interleaved } from './load.js';
import {
  databaseUpdates,
  postgresUpdates,
  rawSignatureVerify,
  serviceFixture,
  statelessVerify,
} from './server-fixtures.js';

export interface ServerOptions {
  readonly runs: number;
  /** Seconds per contender per measurement. */
  readonly seconds: number;
  /** Operations in flight (one session per worker). */
  readonly concurrency: number;
  /** PostgreSQL rows need it; without it they are reported as skipped. */
  readonly databaseUrl: string | undefined;
  readonly log?: (line: string) => void;
}

export interface ServerPairRun {
  /** Operations per second. */
  readonly contender: number;
  readonly baseline: number;
}

export interface ServerRow {
  readonly name: string;
  readonly baselineName: string;
  readonly unit: string;
  readonly store: 'embedded' | 'postgres' | 'none';
  readonly runs: ServerPairRun[];
}

export interface ServerResult {
  readonly kind: 'server';
  readonly options: { runs: number; seconds: number; concurrency: number };
  readonly rows: ServerRow[];
  /** Why the PostgreSQL rows are empty, when they are. */
  readonly postgresSkipped: string | undefined;
  /** `SHOW server_version` of the PostgreSQL measured. */
  readonly postgresVersion: string | undefined;
}

interface Measured {
  readonly row: ServerRow;
  readonly contender: Call;
  readonly baseline: Call;
}

function row(
  name: string,
  baselineName: string,
  unit: string,
  store: ServerRow['store'],
): ServerRow {
  return { name, baselineName, unit, store, runs: [] };
}

export async function runServer(options: ServerOptions): Promise<ServerResult> {
  const log = options.log ?? (() => {});
  const workers = options.concurrency;
  const cleanups: Array<() => Promise<void>> = [];
  const measured: Measured[] = [];
  let postgresSkipped: string | undefined = 'DATABASE_URL not set';
  let postgresVersion: string | undefined;
  try {
    const dir = mkdtempSync(join(tmpdir(), 'tokenkeeper-bench-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const embeddedDb = await openEmbeddedDatabase({ dataDir: join(dir, 'pgdata') });
    const embedded = await serviceFixture(embeddedDb, workers);
    cleanups.unshift(() => embedded.close());
    const rawVerify = rawSignatureVerify(embedded.service, embedded.accessToken);
    measured.push(
      {
        row: row(
          'rotations, embedded (PGlite, file)',
          'single-row UPDATE, same PGlite',
          'rotations/s',
          'embedded',
        ),
        contender: embedded.rotate,
        baseline: await databaseUpdates(embeddedDb, workers),
      },
      {
        row: row(
          'verifications, stateless (JWKS)',
          'node:crypto ES256 verify',
          'verifications/s',
          'none',
        ),
        contender: statelessVerify(embedded.service, embedded.accessToken),
        baseline: rawVerify,
      },
      {
        row: row(
          'verifications, session checked, embedded',
          'node:crypto ES256 verify',
          'verifications/s',
          'embedded',
        ),
        contender: embedded.verifyChecked,
        baseline: rawVerify,
      },
    );
    if (options.databaseUrl) {
      postgresSkipped = undefined;
      const schema = `tk_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
      const pgDb = await openPostgresDatabase({
        connectionString: options.databaseUrl,
        schema,
        max: workers,
      });
      cleanups.unshift(async () => {
        const admin = await openPostgresDatabase({ connectionString: options.databaseUrl ?? '' });
        try {
          await admin.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await admin.close();
        }
      });
      const version = await pgDb.query<{ server_version: string }>('SHOW server_version');
      postgresVersion = version.rows[0]?.server_version;
      const postgres = await serviceFixture(pgDb, workers);
      cleanups.unshift(() => postgres.close());
      const updates = await postgresUpdates(options.databaseUrl, schema, workers);
      cleanups.unshift(() => updates.close());
      measured.push(
        {
          row: row(
            'rotations, PostgreSQL',
            'single-row UPDATE, plain pg',
            'rotations/s',
            'postgres',
          ),
          contender: postgres.rotate,
          baseline: updates.call,
        },
        {
          row: row(
            'verifications, session checked, PostgreSQL',
            'node:crypto ES256 verify',
            'verifications/s',
            'postgres',
          ),
          contender: postgres.verifyChecked,
          baseline: rawSignatureVerify(postgres.service, postgres.accessToken),
        },
      );
    }

    for (let r = 0; r < options.runs; r++) {
      const order = r % 2 === 0 ? measured : [...measured].reverse();
      for (const { row: target, contender, baseline } of order) {
        const calls =
          r % 2 === 0 ? ([contender, baseline] as const) : ([baseline, contender] as const);
        const [first, second] = await interleaved(calls, workers, options.seconds);
        const [mine, theirs] = r % 2 === 0 ? [first, second] : [second, first];
        if (mine.errors + theirs.errors > 0) throw new Error(`${target.name}: operations failed`);
        target.runs.push({ contender: mine.perSecond, baseline: theirs.perSecond });
        log(
          `server run ${r + 1}/${options.runs} ${target.name}: ${mine.perSecond.toFixed(0)} vs ` +
            `${theirs.perSecond.toFixed(0)} ${target.unit}`,
        );
      }
    }
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
  const rows = measured.map((m) => m.row);
  if (postgresSkipped) {
    rows.push(
      row('rotations, PostgreSQL', 'single-row UPDATE, plain pg', 'rotations/s', 'postgres'),
      row(
        'verifications, session checked, PostgreSQL',
        'node:crypto ES256 verify',
        'verifications/s',
        'postgres',
      ),
    );
  }
  return {
    kind: 'server',
    options: { runs: options.runs, seconds: options.seconds, concurrency: options.concurrency },
    rows,
    postgresSkipped,
    postgresVersion,
  };
}
