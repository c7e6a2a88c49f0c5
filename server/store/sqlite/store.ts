import { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';
import type { LimitsRepo, ReadRepos, Repos, Store } from '../types.ts';
import { openDatabase, type DB } from './db.ts';
import { accountsRepo } from '../accounts/sqlite.ts';
import { connectionsRepo } from '../connections/sqlite.ts';
import { packagesRepo } from '../packages/sqlite.ts';
import { assessmentsRepo } from '../assessments/sqlite.ts';
import { candidatesRepo } from '../candidates/sqlite.ts';
import { ordersRepo, resultsRepo } from '../orders/sqlite.ts';
import { outboxRepo } from '../outbox/sqlite.ts';
import { connectorStateRepo, mappingsRepo } from '../connector-state/sqlite.ts';
import { insightsRepo } from '../insights/sqlite.ts';
import { memoryLimits } from '../limits/sqlite.ts';
import { attemptsRepo } from '../attempts/sqlite.ts';
import { auditRepo } from '../audit/sqlite.ts';
import { idempotencyRepo } from '../idempotency/sqlite.ts';
import { inboxRepo } from '../inbox/sqlite.ts';
import { usersRepo } from '../users/sqlite.ts';

/**
 * better-sqlite3 is synchronous and one connection serves the process, so a unit of work that awaits
 * must not let another request's statements slip into its transaction: every call, in or out of a
 * transaction, runs under one async mutex.
 *
 * Group commit: units of work arriving within one commit window (until the event loop next turns, at
 * most MAX_BATCH calls waiting on it) share one transaction and so one fsync (synchronous=FULL is kept). Each unit runs
 * in its own SAVEPOINT: a failing unit rolls back alone and the others commit. A unit that changed
 * anything resolves only after the COMMIT holding it, so a request is acknowledged only once durable.
 * Calls outside a unit of work join an open batch the same way; with no batch open they run as before
 * (a read never waits for the write lock).
 *
 * Nothing is answered before it is durable: a call (a read outside a unit of work, or a unit that changed
 * nothing) that ran in a batch already holding other units' changes may have read them, so it too resolves
 * only after that batch's COMMIT (and fails if the COMMIT does). Otherwise a client could be shown a state a
 * crash then takes back — an order shown `failed` whose failure, and its job's end, were never written
 * (test/integration/outbox-outcome-durable.test.ts).
 */
const MAX_BATCH = 512;

/** The open transaction: one waiter per call that must not resolve before its COMMIT; `units` of them changed something. */
interface Batch {
  waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
  units: number;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly db: DB;
  readonly #repos: Repos;
  #tail: Promise<unknown> = Promise.resolve();
  #batch: Batch | null = null;
  readonly #changes: { get(): unknown };
  /** Commits made and units of work they held (the ingest benchmark reports units per commit). */
  readonly commits = { count: 0, units: 0 };
  /** Every unit of work run (transaction()), with or without changes. */
  units = 0;
  /** Statements run, counted only when the store was opened with countStatements (ASSAY_STORE_STATS=1). */
  statements: { statements: number; bySql: Map<string, number> } | null = null;

  accounts!: ReadRepos['accounts'];
  connections!: ReadRepos['connections'];
  packages!: ReadRepos['packages'];
  assessments!: ReadRepos['assessments'];
  candidates!: ReadRepos['candidates'];
  orders!: ReadRepos['orders'];
  results!: ReadRepos['results'];
  attempts!: ReadRepos['attempts'];
  outbox!: ReadRepos['outbox'];
  inbox!: ReadRepos['inbox'];
  users!: ReadRepos['users'];
  audit!: ReadRepos['audit'];
  idempotency!: ReadRepos['idempotency'];
  connectorState!: ReadRepos['connectorState'];
  insights!: ReadRepos['insights'];
  mappings!: ReadRepos['mappings'];
  /** One instance per SQLite file: the counters live in this process (see ../limits/sqlite.ts). */
  readonly limits: LimitsRepo = memoryLimits();

  constructor(db: DB) {
    this.db = db;
    this.#changes = db.prepare('SELECT total_changes()').pluck();
    this.#repos = {
      accounts: accountsRepo(db),
      connections: connectionsRepo(db),
      packages: packagesRepo(db),
      assessments: assessmentsRepo(db),
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
        locked[m] = (...args: unknown[]) => (this.#reentered(`store.${name}.${m}`) ?? this.#work(() => fn(...args), false));
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
    const refused = this.#reentered('store.transaction');
    if (refused) return refused;
    this.units++;
    return this.#work(() => {
      const unit = { running: true };
      return this.#unit.run(unit, () => fn(this.#repos)).finally(() => (unit.running = false));
    }, true);
  }

  /** The unit of work whose `fn` is running in this async context, if any (see #reentered). */
  readonly #unit = new AsyncLocalStorage<{ running: boolean }>();

  /**
   * A call through the store (not the unit's `tx`) from inside a running unit of work would queue behind that
   * unit on the mutex while the unit waits for it: both would wait forever, holding the write lock. It fails
   * at once instead, naming the call.
   */
  #reentered(call: string): Promise<never> | null {
    if (!this.#unit.getStore()?.running) return null;
    return Promise.reject(new Error(`${call} was called inside a unit of work: use the unit's tx (through the store it would wait for the unit, which waits for it)`));
  }

  /** Runs fn under the mutex: inside the open batch (its own savepoint) when asked or when one is open. */
  async #work<T>(fn: () => Promise<T>, unit: boolean): Promise<T> {
    let durable: Promise<void> | null = null;
    const waitFor = (batch: Batch) => {
      durable = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
      durable.catch(() => undefined); // awaited below; this only keeps an early rejection from being "unhandled"
      if (batch.waiters.length >= MAX_BATCH) this.#commit(batch);
    };
    let out: T;
    try {
      out = await this.#exclusive(async () => {
        if (!unit && !this.#batch) return fn();
        const batch = this.#open();
        const before = this.#changes.get();
        this.db.exec('SAVEPOINT unit');
        let result: T;
        try {
          result = await fn();
        } catch (err) {
          if (!this.db.inTransaction) {
            this.#lost(batch, err); // SQLite rolled back the whole transaction (I/O error, disk full)
            throw err;
          }
          this.db.exec('ROLLBACK TO unit; RELEASE unit');
          // Its failure may rest on what earlier units of this batch wrote: told once that is durable.
          if (batch.units > 0) waitFor(batch);
          throw err;
        }
        this.db.exec('RELEASE unit');
        if (this.#changes.get() !== before) batch.units++;
        // Changed something, or may have read what earlier units of this batch changed: answered once durable.
        if (batch.units > 0) waitFor(batch);
        return result;
      });
    } catch (err) {
      if (durable) await (durable as Promise<void>).catch(() => undefined);
      throw err;
    }
    if (durable) await durable;
    return out;
  }

  #open(): Batch {
    if (this.#batch) return this.#batch;
    this.db.exec('BEGIN IMMEDIATE');
    const batch: Batch = { waiters: [], units: 0 };
    this.#batch = batch;
    // The window: everything queued on the mutex before the loop turns joins this commit.
    setImmediate(() => void this.#exclusive(async () => this.#commit(batch)));
    return batch;
  }

  #commit(batch: Batch): void {
    if (this.#batch !== batch) return;
    this.#batch = null;
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const w of batch.waiters) w.reject(err);
      return;
    }
    this.commits.count++;
    this.commits.units += batch.units;
    for (const w of batch.waiters) w.resolve();
  }

  #lost(batch: Batch, err: unknown): void {
    if (this.#batch === batch) this.#batch = null;
    for (const w of batch.waiters) w.reject(err);
  }

  async close(): Promise<void> {
    await this.#exclusive(async () => {
      if (this.#batch) this.#commit(this.#batch);
      if (this.db.open) this.db.close();
    });
  }
}

/** busyTimeoutMs: how long a write waits for another process's write lock (tests shorten it; default BUSY_TIMEOUT_MS). */
export function openSqliteStore(dataDir: string, file = 'assay.db', opts: { countStatements?: boolean; busyTimeoutMs?: number } = {}): SqliteStore {
  const stats = { statements: 0, bySql: new Map<string, number>() };
  const count = (sql: unknown) => {
    stats.statements++;
    // Kept cheap while profiled: the expanded SQL's start; bound values are folded out when reported (statementCounts).
    const key = String(sql).slice(0, 160);
    stats.bySql.set(key, (stats.bySql.get(key) ?? 0) + 1);
  };
  const store = new SqliteStore(openDatabase(file === ':memory:' ? file : join(dataDir, file), opts.countStatements ? count : undefined, opts.busyTimeoutMs));
  if (opts.countStatements) store.statements = stats;
  return store;
}

/** The counted statements by text, bound values folded out (verbose passes the expanded SQL), most run first. */
export function statementCounts(bySql: Map<string, number>, top = 40): [string, number][] {
  const folded = new Map<string, number>();
  for (const [sql, n] of bySql) {
    const key = sql.replace(/'(?:[^']|'')*'?|\b\d+\b/g, '?').replace(/\s+/g, ' ').slice(0, 90);
    folded.set(key, (folded.get(key) ?? 0) + n);
  }
  return [...folded].sort((a, b) => b[1] - a[1]).slice(0, top);
}
