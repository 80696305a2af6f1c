import { afterAll, describe } from 'vitest';
import { openStore } from '../src/index.js';
import { defineStoreContract } from './contract.js';
import { databaseUrl, dropSchema, noteSkip, uniqueSchema } from './support.js';

noteSkip('store contract: PostgreSQL');
const schema = uniqueSchema('contract');

describe.skipIf(!databaseUrl)('store contract: PostgreSQL', () => {
  afterAll(async () => {
    if (databaseUrl) await dropSchema(databaseUrl, schema);
  });
  defineStoreContract(() => openStore({ databaseUrl: databaseUrl ?? '', databaseSchema: schema }));
});
