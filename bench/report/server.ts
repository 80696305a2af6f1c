/** RESULTS.md section 4: server throughput. */
import type { ServerResult } from '../server.js';
import { ratioSpread, spread } from '../stats.js';
import { cell, table } from './format.js';

export function renderServer(result: ServerResult): string {
  const { runs, seconds, concurrency } = result.options;
  const rows = result.rows.map((row) => {
    if (row.runs.length === 0) {
      return [
        row.name,
        `skipped: ${result.postgresSkipped ?? 'not measured'}`,
        row.baselineName,
        '–',
        '–',
      ];
    }
    return [
      `${row.name} (${row.unit})`,
      cell(spread(row.runs.map((r) => r.contender))),
      row.baselineName,
      cell(spread(row.runs.map((r) => r.baseline))),
      cell(
        ratioSpread(
          row.runs.map((r) => r.contender),
          row.runs.map((r) => r.baseline),
        ),
        3,
      ),
    ];
  });
  return [
    table(['operation', 'per second', 'baseline', 'baseline per second', 'ratio'], rows),
    '',
    `**What the figures mean.** Operations per second through tokenkeeper-server's service ` +
      `(\`createTokenService\`), ${concurrency} in flight, each beside the raw operation it is ` +
      `built on, measured in the same run in interleaved 250 ms slices for ${seconds} s per ` +
      `side (${runs} runs; which side leads alternates). *Rotations*: \`service.refresh()\` ` +
      `with one session per worker (the approach of packages/server/bench/rotation.ts): a ` +
      `conditional UPDATE of the session row with its audit row, and an ES256-signed access ` +
      `token; the baseline is a single-row autocommit UPDATE on the same database (PGlite: the ` +
      `same instance through the store's handle; PostgreSQL: one plain \`pg\` connection per ` +
      `worker), one durable write being the floor a rotation cannot go below. ` +
      `*Verifications*: \`verifyAccessToken\` of one access token; *stateless* is a ` +
      `resource server's verifier on the JWKS (jose: ES256 signature, claims, expiry), ` +
      `*session checked* is the service's own verifier with \`checkSession: true\`, which also ` +
      `reads the session row from the store; the baseline is node:crypto's ES256 verify of the ` +
      `same token with the same key, in its asynchronous form (libuv's thread pool, as jose's ` +
      `WebCrypto verify). Ratio = tokenkeeper / baseline per run. The embedded store is PGlite ` +
      `on files in a temporary directory.` +
      (result.postgresVersion ? ` PostgreSQL ${result.postgresVersion} on 127.0.0.1.` : ''),
    '',
    'Rerun just this: `npm run bench -- server` (`DATABASE_URL` enables the PostgreSQL rows).',
  ].join('\n');
}
