import pg from 'pg';
import type { LimitsRepo, ReadRepos, Repos, Store } from '../types.ts';
import { createPool, migrate, withCleanParams, type PoolOptions, type Queryable } from './db.ts';
import { accountsRepo } from '../accounts/postgres.ts';
import { connectionsRepo } from '../connections/postgres.ts';
import { packagesRepo } from '../packages/postgres.ts';
import { assessmentsRepo } from '../assessments/postgres.ts';
import { candidatesRepo } from '../candidates/postgres.ts';
import { ordersRepo, resultsRepo } from '../orders/postgres.ts';
import { outboxRepo } from '../outbox/postgres.ts';
import { connectorStateRepo, mappingsRepo } from '../connector-state/postgres.ts';
import { insightsRepo } from '../insights/postgres.ts';
import { limitsRepo } from '../limits/postgres.ts';
import { attemptsRepo } from '../attempts/postgres.ts';
import { auditRepo } from '../audit/postgres.ts';
import { idempotencyRepo } from '../idempotency/postgres.ts';
import { inboxRepo } from '../inbox/postgres.ts';
import { usersRepo } from '../users/postgres.ts';

export function reposOn(q: Queryable, inUnitOfWork = false): Repos {
  return {
    accounts: accountsRepo(q),
    connections: connectionsRepo(q),
    packages: packagesRepo(q),
    assessments: assessmentsRepo(q),
    candidates: candidatesRepo(q),
    orders: ordersRepo(q, inUnitOfWork),
    results: resultsRepo(q),
    attempts: attemptsRepo(q),
    outbox: outboxRepo(q),
    inbox: inboxRepo(q),
    users: usersRepo(q),
    audit: auditRepo(q),
    idempotency: idempotencyRepo(q, inUnitOfWork),
    connectorState: connectorStateRepo(q),
    mappings: mappingsRepo(q),
    insights: insightsRepo(q),
  };
}

/** serialization_failure, deadlock_detected: the unit of work lost a race and is run again. */
const RETRY_ALWAYS = new Set(['40001', '40P01']);
/** unique_violation: a concurrent twin committed first; run again, it now sees that row (a true duplicate fails again). */
const UNIQUE = '23505';
const MAX_ATTEMPTS = 12;
const MAX_UNIQUE_RETRIES = 2;

const codeOf = (err: unknown) => (err as { code?: unknown } | null)?.code;

/**
 * Several BFF instances share one database; a unit of work must come out as it would behind SQLite's
 * one writer at a time. It runs on one pooled client, READ COMMITTED (SERIALIZABLE was tried: on a busy,
 * small database its page-level predicate locks fail most concurrent units of work), and the races that
 * matter are closed explicitly:
 * - twins inserting the same thing meet on a unique key (order per source order id, inbox delivery,
 *   candidate per external id, Idempotency-Key): INSERT … ON CONFLICT waits for the first and then finds
 *   its row, or the loser's unit of work is rolled back and run again and now sees the winner's row;
 * - an order read inside a unit of work is locked (FOR UPDATE), so two instances expiring, completing
 *   or resending the same order take turns and the second sees what the first did;
 * - "is it there yet?" questions that decide an insert are serialised with a transaction-level advisory
 *   lock on the key: a source order id (webhook versus webhook or reconciliation), an Idempotency-Key,
 *   an active order per (candidate, application, package);
 * - a deadlock or serialization failure reruns the unit of work (it does no network I/O, so that is safe).
 * Outside a unit of work each repo call is one autocommit statement on the pool.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly pool: pg.Pool;
  #closed = false;
  /** Units of work run again after a lost race (serialization failure, deadlock, concurrent duplicate). */
  retries = 0;

  accounts: ReadRepos['accounts'];
  connections: ReadRepos['connections'];
  packages: ReadRepos['packages'];
  assessments: ReadRepos['assessments'];
  candidates: ReadRepos['candidates'];
  orders: ReadRepos['orders'];
  results: ReadRepos['results'];
  attempts: ReadRepos['attempts'];
  outbox: ReadRepos['outbox'];
  inbox: ReadRepos['inbox'];
  users: ReadRepos['users'];
  audit: ReadRepos['audit'];
  idempotency: ReadRepos['idempotency'];
  connectorState: ReadRepos['connectorState'];
  mappings: ReadRepos['mappings'];
  insights: ReadRepos['insights'];
  readonly limits: LimitsRepo;

  constructor(pool: pg.Pool) {
    this.pool = pool;
    this.limits = limitsRepo(withCleanParams(pool));
    const r = reposOn(withCleanParams(pool));
    this.accounts = r.accounts;
    this.connections = r.connections;
    this.packages = r.packages;
    this.assessments = r.assessments;
    this.candidates = r.candidates;
    this.orders = r.orders;
    this.results = r.results;
    this.attempts = r.attempts;
    this.outbox = r.outbox;
    this.inbox = r.inbox;
    this.users = r.users;
    this.audit = r.audit;
    this.idempotency = r.idempotency;
    this.connectorState = r.connectorState;
    this.mappings = r.mappings;
    this.insights = r.insights;
  }

  async transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    let uniqueRetries = 0;
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      // The first database error decides: fn may catch it and carry on into "transaction is aborted".
      let firstDbError: unknown = null;
      const q: Queryable = {
        query: (text: string, values?: unknown[]) =>
          client.query(text, values).catch((err: unknown) => {
            firstDbError ??= err;
            throw err;
          }),
      } as Queryable;
      let broken = false;
      try {
        await client.query('BEGIN');
        const out = await fn(reposOn(withCleanParams(q), true));
        await q.query('COMMIT');
        return out;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection itself is gone: do not hand it out again
        }
        const code = codeOf(firstDbError ?? err);
        const again = RETRY_ALWAYS.has(code as string) || (code === UNIQUE && uniqueRetries++ < MAX_UNIQUE_RETRIES);
        if (!again || attempt >= MAX_ATTEMPTS) throw firstDbError && codeOf(err) === '25P02' ? firstDbError : err;
        this.retries++;
      } finally {
        client.release(broken);
      }
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 ** attempt)));
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.pool.end();
  }
}

/** Opens the pool and brings the schema up to date (safe when several instances start at once). */
export async function openPostgresStore(url: string, opts: PoolOptions = {}): Promise<PostgresStore> {
  const pool = createPool(url, opts);
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return new PostgresStore(pool);
}
