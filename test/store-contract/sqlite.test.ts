// The store contract against the embedded default: a SQLite file in a temp folder per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
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

describe('sqlite group commit', () => {
  it('shares one commit among units of work arriving together; each is durable when it resolves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-group-'));
    dirs.push(dir);
    const store = openSqliteStore(dir);
    const other = new Database(join(dir, 'assay.db'), { readonly: true }); // another connection sees only committed rows
    try {
      const before = { ...store.commits };
      const ids = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          store.transaction(async (tx) => {
            await tx.audit.add({ account_id: 'gc', actor: 'test', action: 'gc.unit', target: `t${i}`, details: {} });
            return i;
          }).then((i) => {
            // Resolved means committed: the other connection sees this unit's row right away.
            const seen = other.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'gc.unit' AND target = ?").pluck().get(`t${i}`);
            expect(seen, `unit ${i}`).toBe(1);
            return i;
          }),
        ),
      );
      expect(ids).toHaveLength(40);
      const commits = store.commits.count - before.count;
      expect(store.commits.units - before.units).toBe(40);
      expect(commits).toBeGreaterThanOrEqual(1);
      expect(commits).toBeLessThan(40); // grouped, not one fsync per unit
      // A read-only unit of work does not wait for a commit and does not count as one.
      const count = store.commits.count;
      expect(await store.transaction((tx) => tx.audit.list('gc', 100))).toHaveLength(40);
      expect(store.commits.count).toBe(count);
    } finally {
      other.close();
      await store.close();
    }
  });
});
