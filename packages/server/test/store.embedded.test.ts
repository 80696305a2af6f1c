import { describe } from 'vitest';
import { openStore } from '../src/index.js';
import { defineStoreContract } from './contract.js';

describe('store contract: embedded (PGlite, in memory)', () => {
  defineStoreContract(() => openStore());
});
