// The store is split by table: server/store/<table>/{types,sqlite,postgres}.ts side by side, so a query changed
// on one backend shows its twin in the same folder. sqlite/ and postgres/ hold only what is per backend (the
// connection and unit of work, db helpers, migrations). The types make each twin implement its table's repo
// interface (every factory declares it as its return type); this checks the layout that keeps them together.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const STORE = fileURLToPath(new URL('../../server/store/', import.meta.url));
const BACKENDS = ['sqlite', 'postgres'] as const;
const PER_BACKEND = ['db.ts', 'migrations.ts', 'store.ts'];

const tables = readdirSync(STORE).filter((d) => statSync(join(STORE, d)).isDirectory() && !(BACKENDS as readonly string[]).includes(d));

/** The repo factories a module exports (`ordersRepo`, `resultsRepo`, …). */
async function factories(table: string, backend: string): Promise<string[]> {
  const mod = (await import(join(STORE, table, `${backend}.ts`))) as Record<string, unknown>;
  return Object.keys(mod).filter((k) => /Repo$/.test(k)).filter((k) => typeof mod[k] === 'function').sort();
}

describe('store layout', () => {
  it('has a folder per table', () => {
    expect(tables).toEqual(expect.arrayContaining(['orders', 'outbox', 'packages', 'candidates', 'insights', 'connector-state', 'inbox', 'users', 'audit']));
  });

  it.each(tables)('%s/ holds its types, its SQLite queries and its PostgreSQL queries', (table) => {
    const files = readdirSync(join(STORE, table));
    expect(files).toEqual(expect.arrayContaining(['types.ts', 'sqlite.ts', 'postgres.ts']));
  });

  it.each(BACKENDS)('%s/ holds only the connection, the unit of work and the migrations (no table queries)', (backend) => {
    expect(readdirSync(join(STORE, backend)).sort()).toEqual(PER_BACKEND);
  });

  // limits: SQLite keeps the counters in process memory (memoryLimits), PostgreSQL in a table (limitsRepo).
  it.each(tables.filter((t) => t !== 'limits'))('%s: the SQLite and PostgreSQL twins export the same repo factories', async (table) => {
    const sqlite = await factories(table, 'sqlite');
    expect(sqlite.length).toBeGreaterThan(0);
    expect(await factories(table, 'postgres')).toEqual(sqlite);
  });
});
