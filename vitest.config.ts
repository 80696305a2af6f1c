import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the "source" condition, so tests
// run against src/ without a build step. Only 'source' and 'node' are listed: vitest hands these
// to Node as --conditions, and 'import' or 'module' there would make require() inside CommonJS
// packages (pg) load their ESM builds.
const conditions = ['source', 'node'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['./test/global-setup.ts'],
    // graphql 16 ships a CommonJS and an ESM build without an exports map: Node and vite would
    // each load their own copy, and graphql refuses a schema from "another realm". Inlining
    // graphql-ws makes its graphql import resolve the way ours does.
    server: { deps: { inline: ['graphql-ws'] } },
  },
});
