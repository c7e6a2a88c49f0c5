// The store contract against the embedded default: a SQLite file in a temp folder per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite/store.ts';
import { storeContract } from './contract.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

storeContract({
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'assay-contract-'));
    dirs.push(dir);
    return openSqliteStore(dir);
  },
});
