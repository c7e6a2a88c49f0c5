// The async store interface: routes, connectors and the outbox reach storage only through this.
// SQLite (embedded default) and PostgreSQL (scale-out) implement it; nothing above may know which.
import type { Role } from '../../shared/api.ts';
import type { AccountsRepo } from './accounts/types.ts';
import type { ConnectionsRepo } from './connections/types.ts';
import type { PackagesRepo } from './packages/types.ts';
import type { CandidatesRepo } from './candidates/types.ts';
import type { OrdersRepo, ResultsRepo } from './orders/types.ts';
import type { OutboxRepo } from './outbox/types.ts';
import type { InboxRepo } from './inbox/types.ts';
import type { UsersRepo } from './users/types.ts';
import type { AuditRepo } from './audit/types.ts';
import type { AttemptsRepo } from './attempts/types.ts';
import type { IdempotencyRepo } from './idempotency/types.ts';
import type { ConnectorStateRepo, MappingsRepo } from './connector-state/types.ts';
import type { AssessmentsRepo } from './assessments/types.ts';
import type { InsightsRepo } from './insights/types.ts';
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

export interface Store extends Repos {
  readonly kind: 'sqlite' | 'postgres';
  /** Rate-limit and login-protection counters (see LimitsRepo). */
  readonly limits: LimitsRepo;
  /** Unit of work: everything `fn` does through `tx` commits together or not at all. No network I/O inside. */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type { Role };
