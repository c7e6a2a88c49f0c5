import { join } from 'node:path';
import type { Repos, Store } from '../types.ts';
import { openDatabase, type DB } from './db.ts';
import { accountsRepo } from './accounts.ts';
import { connectionsRepo } from './connections.ts';
import { packagesRepo } from './packages.ts';
import { candidatesRepo } from './candidates.ts';
import { ordersRepo, resultsRepo } from './orders.ts';
import { outboxRepo } from './outbox.ts';
import { connectorStateRepo, mappingsRepo } from './connector-state.ts';
import { insightsRepo } from './insights.ts';
import { attemptsRepo, auditRepo, idempotencyRepo, inboxRepo, usersRepo } from './misc.ts';

/**
 * better-sqlite3 is synchronous and one connection serves the process, so a unit of work that awaits
 * must not let another request's statements slip into its transaction: every call, in or out of a
 * transaction, runs under one async mutex.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly db: DB;
  readonly #repos: Repos;
  #tail: Promise<unknown> = Promise.resolve();

  accounts!: Repos['accounts'];
  connections!: Repos['connections'];
  packages!: Repos['packages'];
  candidates!: Repos['candidates'];
  orders!: Repos['orders'];
  results!: Repos['results'];
  attempts!: Repos['attempts'];
  outbox!: Repos['outbox'];
  inbox!: Repos['inbox'];
  users!: Repos['users'];
  audit!: Repos['audit'];
  idempotency!: Repos['idempotency'];
  connectorState!: Repos['connectorState'];
  insights!: Repos['insights'];
  mappings!: Repos['mappings'];

  constructor(db: DB) {
    this.db = db;
    this.#repos = {
      accounts: accountsRepo(db),
      connections: connectionsRepo(db),
      packages: packagesRepo(db),
      candidates: candidatesRepo(db),
      orders: ordersRepo(db),
      results: resultsRepo(db),
      attempts: attemptsRepo(db),
      outbox: outboxRepo(db),
      inbox: inboxRepo(db),
      users: usersRepo(db),
      audit: auditRepo(db),
      idempotency: idempotencyRepo(db),
      connectorState: connectorStateRepo(db),
      insights: insightsRepo(db),
      mappings: mappingsRepo(db),
    };
    for (const [name, repo] of Object.entries(this.#repos)) {
      const locked: Record<string, unknown> = {};
      for (const [m, fn] of Object.entries(repo as Record<string, (...a: unknown[]) => Promise<unknown>>)) {
        locked[m] = (...args: unknown[]) => this.#exclusive(() => fn(...args));
      }
      (this as unknown as Record<string, unknown>)[name] = locked;
    }
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    return this.#exclusive(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn(this.#repos);
        this.db.exec('COMMIT');
        return out;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.#exclusive(async () => {
      if (this.db.open) this.db.close();
    });
  }
}

export function openSqliteStore(dataDir: string, file = 'assay.db'): SqliteStore {
  return new SqliteStore(openDatabase(file === ':memory:' ? file : join(dataDir, file)));
}
