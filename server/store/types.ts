// The async store interface: routes, connectors and the outbox reach storage only through this.
// SQLite (embedded default) and PostgreSQL (scale-out) implement it; nothing above may know which.
import type { Role } from '../../shared/api.ts';
import type { AccountsRepo, AccountsReads } from './accounts/types.ts';
import type { ConnectionsRepo, ConnectionsReads } from './connections/types.ts';
import type { PackagesRepo, PackagesReads } from './packages/types.ts';
import type { CandidatesRepo, CandidatesReads } from './candidates/types.ts';
import type { OrdersRepo, ResultsRepo, OrdersReads, ResultsReads } from './orders/types.ts';
import type { OutboxRepo, OutboxReads } from './outbox/types.ts';
import type { InboxRepo, InboxReads } from './inbox/types.ts';
import type { UsersRepo, UsersReads } from './users/types.ts';
import type { AuditRepo, AuditReads } from './audit/types.ts';
import type { AttemptsRepo, AttemptsReads } from './attempts/types.ts';
import type { IdempotencyRepo, IdempotencyReads } from './idempotency/types.ts';
import type { ConnectorStateRepo, MappingsRepo, ConnectorStateReads, MappingsReads } from './connector-state/types.ts';
import type { AssessmentsRepo, AssessmentsReads } from './assessments/types.ts';
import type { InsightsRepo, InsightsReads } from './insights/types.ts';
import type { LimitsRepo } from './limits/types.ts';
export type * from './accounts/types.ts';
export type * from './connections/types.ts';
export type * from './packages/types.ts';
export type * from './candidates/types.ts';
export type * from './orders/types.ts';
export type * from './outbox/types.ts';
export type * from './inbox/types.ts';
export type * from './users/types.ts';
export type * from './audit/types.ts';
export type * from './attempts/types.ts';
export type * from './idempotency/types.ts';
export type * from './connector-state/types.ts';
export type * from './assessments/types.ts';
export type * from './insights/types.ts';
export type * from './limits/types.ts';

export type Json = Record<string, unknown>;

/** Every repo with its writes: what a unit of work's `tx` holds. */
export interface Repos {
  assessments: AssessmentsRepo;
  insights: InsightsRepo;
  connectorState: ConnectorStateRepo;
  mappings: MappingsRepo;
  accounts: AccountsRepo;
  connections: ConnectionsRepo;
  packages: PackagesRepo;
  candidates: CandidatesRepo;
  orders: OrdersRepo;
  results: ResultsRepo;
  attempts: AttemptsRepo;
  outbox: OutboxRepo;
  inbox: InboxRepo;
  users: UsersRepo;
  audit: AuditRepo;
  idempotency: IdempotencyRepo;
}

/**
 * The repos reachable outside a unit of work: reads only. Every write goes through `store.transaction(tx => …)`,
 * so a change and what it causes (an audit entry, an outbox job) cannot be written half, and a write cannot
 * slip in outside the contract below. The type enforces it: `store.orders.update(…)` does not compile.
 */
export interface ReadRepos {
  assessments: AssessmentsReads;
  insights: InsightsReads;
  connectorState: ConnectorStateReads;
  mappings: MappingsReads;
  accounts: AccountsReads;
  connections: ConnectionsReads;
  packages: PackagesReads;
  candidates: CandidatesReads;
  orders: OrdersReads;
  results: ResultsReads;
  attempts: AttemptsReads;
  outbox: OutboxReads;
  inbox: InboxReads;
  users: UsersReads;
  audit: AuditReads;
  idempotency: IdempotencyReads;
}

/**
 * The store. Reads outside a unit of work (ReadRepos) each see what is committed when they run, and answer only
 * what is durable: nothing a crash could take back is ever shown (on SQLite, a read that ran inside an open group
 * commit waits for its COMMIT). Writes happen only inside `transaction(fn)`, a unit of work, whose contract holds
 * on both backends:
 *
 * - **All or nothing.** Everything `fn` does through `tx` commits together, or nothing does when `fn` throws.
 *   A unit that changed something resolves only once its commit is durable.
 * - **A unit of work may run more than once (PostgreSQL).** On a serialisation failure or deadlock
 *   (40001, 40P01) PostgreSQL rolls it back and runs `fn` again from the start (at most 12 runs in all); on a
 *   unique violation (23505: a concurrent twin inserted the same key first) at most twice again, and the rerun
 *   sees the twin's row. So `fn` must be safe to re-run: no outside effects inside it (no network I/O, no e-mail, no
 *   change to process memory that a rollback would not undo). Outside effects are queued as outbox jobs in
 *   the same unit of work, or done after it returns.
 * - **Reads inside see the unit's own writes, and lock what they decide on.** PostgreSQL runs READ COMMITTED
 *   on one pooled client: each statement sees what was committed before it plus this unit's writes (no
 *   snapshot across statements). An order read through `tx.orders` is locked (FOR UPDATE) until commit, so
 *   two units changing the same order take turns and the second sees what the first did; "is it there yet?"
 *   questions that decide an insert (`orders.findBySource`, `orders.findActive`, `idempotency.get`) first take a
 *   transaction-level advisory lock on their key; `attempts.addProctoringEvents` locks its order. Other reads
 *   (packages, candidates, connections…) do not lock.
 * - **SQLite serialises writers.** One connection serves the process and every store call, in or out of a
 *   unit of work, runs under one async mutex, so a unit of work never interleaves with another and reads
 *   inside it see a state nobody else changes until it ends. Units arriving together share one transaction
 *   (group commit, BEGIN IMMEDIATE: another process writing the file, such as the CLI, waits for the write
 *   lock), each in its own savepoint: a failing unit rolls back alone. SQLite never re-runs `fn`.
 *   Because everything else waits while `fn` runs, and the write lock is held until the batch commits, `fn`
 *   must not wait on anything slow either (no network or file I/O inside a unit of work).
 *   A write that waits longer than the busy timeout for another process's lock (sqlite/db.ts BUSY_TIMEOUT_MS)
 *   fails with SQLITE_BUSY, and so does the unit of work: callers that must not lose their write (the outbox
 *   worker recording how a job ended) try again.
 */
export interface Store extends ReadRepos {
  readonly kind: 'sqlite' | 'postgres';
  /** Rate-limit and login-protection counters (see LimitsRepo): never part of a unit of work. */
  readonly limits: LimitsRepo;
  /** Runs `fn` as one unit of work (see the contract above); `tx` holds every repo, writes included. */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type { Role };
