// The async store interface: routes, connectors and the outbox reach storage only through this.
// SQLite (embedded default) and PostgreSQL (scale-out) implement it; nothing above may know which.
import type { OrderSource, OrderStatus, Role } from '../../shared/api.ts';

export type Json = Record<string, unknown>;

export interface AccountSettings {
  invitation_days?: number;
  score_bands?: { min: number; max: number; label: string }[];
  retention_days?: number;
  locale?: string;
  company_name?: string;
  /** An https URL of the company's logo, shown in the e-mails sent to its users. */
  logo_url?: string;
  /** The connectors this account's plan includes (set by the operator); absent: every connector. */
  features?: string[];
}

export interface AccountRow {
  id: string;
  name: string;
  issuer: string;
  audience: string;
  context_algs: string[];
  /** HS256 secret, sealed with the master key. */
  context_secret_enc: string | null;
  jwks_url: string | null;
  public_key_pem: string | null;
  frame_origins: string[];
  settings: AccountSettings;
  created_at: string;
}
export type NewAccount = Omit<AccountRow, 'created_at'>;

export interface ConnectionRow {
  id: string;
  account_id: string;
  provider: string;
  status: 'active' | 'pending' | 'revoked';
  /** Non-secret settings, e.g. base_url, integration_id. */
  config: Json;
  /** Secret settings (API keys, tokens, webhook secrets), sealed with the master key. */
  secrets_enc: string;
  created_at: string;
  updated_at: string;
}

export interface PackageRow {
  account_id: string;
  id: string;
  name: string;
  description: string;
  type: string;
  duration_minutes: number;
  active: boolean;
  version: number;
  updated_at: string;
}
export interface NewPackage extends Omit<PackageRow, 'updated_at'> {
  content: Json;
}

export interface CandidateRow {
  id: string;
  account_id: string;
  source: string;
  external_id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  locale: string | null;
  erased_at: string | null;
  created_at: string;
}

export interface OrderRow {
  id: string;
  account_id: string;
  source: OrderSource;
  source_order_id: string;
  connection_id: string | null;
  package_id: string;
  package_version: number;
  candidate_id: string;
  application_id: string | null;
  job_id: string | null;
  job_name: string | null;
  status: OrderStatus;
  reason: string | null;
  invite_token_hash: string | null;
  invited_at: string | null;
  expires_at: string | null;
  started_at: string | null;
  deadline_at: string | null;
  completed_at: string | null;
  created_by: string | null;
  /** The hiring outcome the ATS reported (hired / rejected), for Insights; never the write-back's state. */
  outcome: string | null;
  outcome_at: string | null;
  /** Delivery of the latest write-back to the order's source: written / failed (null: nothing written yet). */
  writeback_state?: 'written' | 'failed' | null;
  /** What the ATS answered, in a sentence without personal data. */
  writeback_note?: string | null;
  writeback_at?: string | null;
  meta: Json;
  created_at: string;
  updated_at: string;
  /** Extra time granted as an accommodation: percent added to each test's duration (0, 25, 50 or 100). */
  extra_time_percent: number;
}
export type NewOrder = Omit<OrderRow, 'created_at' | 'updated_at' | 'outcome' | 'outcome_at' | 'extra_time_percent'> & { extra_time_percent?: number };

/** An order joined with what the widget shows beside it. */
export interface OrderView extends OrderRow {
  package_name: string;
  result: ResultRow | null;
}

/** One page of the provider dashboard's Candidates list: filters, and the keyset of the previous page's last row. */
export interface OrderPageQuery {
  status?: OrderStatus;
  source?: string;
  packageId?: string;
  jobId?: string;
  /** ISO instants bounding orders.created_at, [from, to). */
  from?: string;
  to?: string;
  /** Part of the candidate's name or e-mail address (case-insensitive). */
  search?: string;
  after?: { created_at: string; id: string };
  limit: number;
}
/** An order as the dashboard lists it: with the candidate, the score and the stored result summary, no answers. */
export interface OrderListItem extends Omit<OrderRow, 'meta' | 'invite_token_hash'> {
  package_name: string;
  score: number | null;
  /** results.details: the result summary stored at scoring time (its band is the one the report shows). */
  result_details: Json | null;
  candidate_email: string | null;
  candidate_first_name: string | null;
  candidate_last_name: string | null;
  candidate_erased_at: string | null;
}

export interface ResultRow {
  order_id: string;
  account_id: string;
  score: number;
  max_score: number;
  details: Json;
  completed_at: string;
}

export type OutboxStatus = 'pending' | 'running' | 'done' | 'dead';
export interface OutboxJob {
  id: string;
  account_id: string | null;
  kind: string;
  connection_id: string | null;
  order_id: string | null;
  payload: Json;
  idempotency_key: string;
  status: OutboxStatus;
  attempts: number;
  max_attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}
export interface NewOutboxJob {
  account_id: string | null;
  kind: string;
  connection_id?: string | null;
  order_id?: string | null;
  payload: Json;
  idempotency_key?: string;
  max_attempts?: number;
  run_at?: number;
}

export interface InboxRow {
  id: string;
  provider: string;
  connection_id: string;
  delivery_id: string;
  status: 'received' | 'processed' | 'ignored' | 'failed';
  result: Json | null;
  /** How the delivery was answered, so a re-delivery is answered the same (null before it was handled). */
  answer: InboxAnswer | null;
  received_at: string;
}

export interface InboxAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface UserRow {
  id: string;
  account_id: string;
  email: string;
  name: string;
  password_hash: string;
  /** Dashboard role (migration 151): admins change things, members read candidates and reports. Absent = admin. */
  role?: DashboardRole;
  created_at: string;
}
export type DashboardRole = 'admin' | 'member';

/** A set-password link (an invitation or a reset): only the hash of its token is stored; used once. */
export interface PasswordTokenRow {
  token_hash: string;
  user_id: string;
  account_id: string;
  purpose: 'invite' | 'reset';
  expires_at: number;
}

export interface WebSessionRow {
  id_hash: string;
  user_id: string;
  expires_at: number;
}

export interface AuditRow {
  id: string;
  account_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  details: Json;
  at: string;
}

export interface AnswerRow {
  order_id: string;
  question_id: string;
  value: unknown;
  answered_at: string;
}

export interface TestSessionRow {
  order_id: string;
  test_id: string;
  started_at: string;
  deadline_at: string;
  finished_at: string | null;
}

export interface AccountsRepo {
  create(a: NewAccount): Promise<AccountRow>;
  get(id: string): Promise<AccountRow | null>;
  getByIssuer(issuer: string): Promise<AccountRow | null>;
  list(): Promise<AccountRow[]>;
  update(id: string, patch: Partial<Omit<AccountRow, 'id' | 'created_at'>>): Promise<void>;
}

export interface ConnectionsRepo {
  create(c: Omit<ConnectionRow, 'created_at' | 'updated_at'>): Promise<ConnectionRow>;
  /** Unscoped lookup by unguessable id, for webhooks and partner calls that carry it in the path. */
  getById(id: string): Promise<ConnectionRow | null>;
  get(accountId: string, id: string): Promise<ConnectionRow | null>;
  listByAccount(accountId: string): Promise<ConnectionRow[]>;
  listByProvider(provider: string, status?: ConnectionRow['status']): Promise<ConnectionRow[]>;
  update(accountId: string, id: string, patch: Partial<Pick<ConnectionRow, 'status' | 'config' | 'secrets_enc'>>): Promise<void>;
}

export interface PackagesRepo {
  upsert(p: NewPackage): Promise<{ created: boolean; version: number }>;
  list(accountId: string, opts?: { activeOnly?: boolean }): Promise<PackageRow[]>;
  get(accountId: string, id: string): Promise<PackageRow | null>;
  content(accountId: string, id: string, version: number): Promise<Json | null>;
  setActive(accountId: string, id: string, active: boolean): Promise<boolean>;
  /** Changes with every write to the account's packages, from any process or instance (0: none yet). */
  listVersion(accountId: string): Promise<number>;
}

export interface CandidatesRepo {
  upsert(c: { account_id: string; source: string; external_id: string; email: string | null; first_name: string | null; last_name: string | null; locale: string | null }): Promise<CandidateRow>;
  get(accountId: string, id: string): Promise<CandidateRow | null>;
  findByExternal(accountId: string, source: string, externalId: string): Promise<CandidateRow | null>;
  /** Removes personal data, keeps the row (and so anonymised scores) linked. */
  erase(accountId: string, id: string): Promise<boolean>;
  /** Candidates (not yet erased) with no open order and no order change since `beforeIso`: due for retention erasure. */
  listRetentionDue(accountId: string, beforeIso: string, limit: number): Promise<CandidateRow[]>;
}

export interface OrdersRepo {
  /** Inserts, or returns the existing order for the same (account, source, source_order_id). */
  insertOnce(o: NewOrder): Promise<{ order: OrderRow; created: boolean }>;
  get(accountId: string, id: string): Promise<OrderRow | null>;
  /** Unscoped lookup by unguessable id, for background jobs that carry the id. */
  getById(id: string): Promise<OrderRow | null>;
  view(accountId: string, id: string): Promise<OrderView | null>;
  findBySource(accountId: string, source: string, sourceOrderId: string): Promise<OrderRow | null>;
  findByInviteHash(hash: string): Promise<OrderRow | null>;
  findActive(accountId: string, candidateId: string, applicationId: string | null, packageId: string): Promise<OrderRow | null>;
  listForApplication(accountId: string, applicationId: string, candidateId?: string): Promise<OrderView[]>;
  listByCandidate(accountId: string, candidateId: string): Promise<OrderRow[]>;
  update(accountId: string, id: string, patch: Partial<Omit<OrderRow, 'id' | 'account_id' | 'created_at'>>): Promise<void>;
  /** Orders past their invitation expiry or test deadline, still open. */
  listLapsed(nowIso: string, limit: number): Promise<OrderRow[]>;
  /** The dashboard's Candidates list: newest first, keyset-paginated on (created_at, id). */
  listPage(accountId: string, q: OrderPageQuery): Promise<OrderListItem[]>;
  /** The jobs the account's orders name, for the Candidates filter. */
  listJobs(accountId: string): Promise<{ job_id: string; job_name: string | null }[]>;
}

export interface ResultsRepo {
  insert(r: ResultRow): Promise<void>;
  get(accountId: string, orderId: string): Promise<ResultRow | null>;
  /** How a percent compares with every result of one package on one account: group size, scores below and equal. */
  standing(accountId: string, packageId: string, percent: number): Promise<{ size: number; below: number; equal: number }>;
}

/** One thing recorded during a test (never answer text, nothing about the device). */
export interface ProctoringEventRow {
  order_id: string;
  seq: number;
  kind: 'left' | 'paste' | 'question';
  question_id: string | null;
  at: string;
  duration_ms: number;
}

export interface AttemptsRepo {
  /** Appends events up to `max` per order in all; returns how many were stored now and how many the order holds. */
  addProctoringEvents(orderId: string, events: Omit<ProctoringEventRow, 'order_id' | 'seq'>[], max: number): Promise<{ stored: number; total: number }>;
  proctoringEvents(orderId: string): Promise<ProctoringEventRow[]>;
  saveAnswer(a: AnswerRow): Promise<void>;
  answers(orderId: string): Promise<AnswerRow[]>;
  startTest(s: TestSessionRow): Promise<TestSessionRow>;
  testSessions(orderId: string): Promise<TestSessionRow[]>;
  finishTest(orderId: string, testId: string, at: string): Promise<void>;
  /** Erases the answers and the proctoring events of an order. */
  eraseAnswers(orderId: string): Promise<void>;
}

export interface OutboxRepo {
  enqueue(job: NewOutboxJob): Promise<OutboxJob>;
  /** Leases up to `limit` due jobs (pending and due, or running with an expired lease). */
  claimDue(now: number, limit: number, leaseMs: number): Promise<OutboxJob[]>;
  /** Renews the lease of jobs still running (the holder's heartbeat while their handlers run). */
  extendLease(ids: string[], leaseUntil: number): Promise<void>;
  complete(id: string): Promise<void>;
  retry(id: string, nextAttemptAt: number, error: string, countAttempt?: boolean): Promise<void>;
  kill(id: string, error: string): Promise<void>;
  replay(id: string, now: number, accountId?: string): Promise<OutboxJob | null>;
  get(id: string, accountId?: string): Promise<OutboxJob | null>;
  list(opts: { status?: OutboxStatus; accountId?: string; kind?: string; limit?: number }): Promise<OutboxJob[]>;
  nextDueAt(): Promise<number | null>;
  erasePayloads(orderId: string): Promise<void>;
  /**
   * Erases the payload and last_error of the account's finished (done or dead) jobs that name one of `ids` as a
   * JSON value (`"id"`, or a number `:id,` `:id}`), or quote it in last_error: jobs that belong to no order,
   * such as a webhook's follow-up job, may carry a person's ATS ids. Returns how many jobs changed.
   */
  erasePayloadsMentioning(accountId: string, ids: readonly string[]): Promise<number>;
}

export interface InboxRepo {
  /** Records a delivery once per (provider, connection, delivery id). */
  record(r: { provider: string; connection_id: string; delivery_id: string }): Promise<{ row: InboxRow; duplicate: boolean }>;
  /** Marks a delivery handled, with what was done and (for a webhook) how it was answered (kept when not given). */
  finish(id: string, status: InboxRow['status'], result: Json | null, answer?: InboxAnswer | null): Promise<void>;
  /** When the connection's latest delivery arrived (the dashboard's "last webhook"), or null. */
  lastReceived(provider: string, connectionId: string): Promise<string | null>;
}

export interface UsersRepo {
  create(u: Omit<UserRow, 'created_at'>): Promise<UserRow>;
  getByEmail(email: string): Promise<UserRow | null>;
  get(id: string): Promise<UserRow | null>;
  createSession(s: WebSessionRow): Promise<void>;
  getSession(idHash: string, now: number): Promise<WebSessionRow | null>;
  deleteSession(idHash: string): Promise<void>;
  /** The account's users, oldest first. */
  listByAccount(accountId: string): Promise<UserRow[]>;
  /** Changes a user of the account; false when there is none. */
  update(accountId: string, id: string, patch: Partial<Pick<UserRow, 'name' | 'password_hash' | 'role'>>): Promise<boolean>;
  /** Removes a user of the account with their sessions and links; false when there is none. */
  remove(accountId: string, id: string): Promise<boolean>;
  /** Ends every session of a user (after a password change). */
  deleteSessionsOf(userId: string): Promise<void>;
  /** Stores a new link for the user and purpose, replacing any earlier one (one live link each). */
  putPasswordToken(t: PasswordTokenRow): Promise<void>;
  /** Uses a link: removes and returns it when it exists and has not expired at `now`, else null. */
  takePasswordToken(tokenHash: string, now: number): Promise<PasswordTokenRow | null>;
  /** Whether the link is still stored (not used, not replaced), for the mail job. */
  hasPasswordToken(tokenHash: string): Promise<boolean>;
}

export interface AuditRepo {
  add(a: Omit<AuditRow, 'id' | 'at'>): Promise<void>;
  list(accountId: string | null, limit?: number): Promise<AuditRow[]>;
}

export interface IdempotencyRepo {
  get(accountId: string, key: string): Promise<{ request_hash: string; order_id: string } | null>;
  put(accountId: string, key: string, requestHash: string, orderId: string): Promise<void>;
}

/** Small per-connection state owned by a connector (cursors, OAuth state, caches), JSON values. */
export interface ConnectorStateRepo {
  get<T = unknown>(connectionId: string, key: string): Promise<T | null>;
  put(connectionId: string, key: string, value: unknown): Promise<void>;
  delete(connectionId: string, key: string): Promise<void>;
  /** Objects synced from the ATS (jobs, stages, applications…), upserted by external id. */
  upsertObject(connectionId: string, kind: string, externalId: string, data: Json): Promise<void>;
  getObject<T = Json>(connectionId: string, kind: string, externalId: string): Promise<T | null>;
  listObjects<T = Json>(connectionId: string, kind: string, limit?: number): Promise<{ external_id: string; data: T }[]>;
  deleteObject(connectionId: string, kind: string, externalId: string): Promise<void>;
}

export interface MappingRow {
  connection_id: string;
  kind: string;
  external_id: string;
  package_id: string;
  created_at: string;
}
export interface MappingsRepo {
  set(m: Omit<MappingRow, 'created_at'>): Promise<void>;
  get(connectionId: string, kind: string, externalId: string): Promise<MappingRow | null>;
  list(connectionId: string, kind?: string): Promise<MappingRow[]>;
  delete(connectionId: string, kind: string, externalId: string): Promise<boolean>;
}

/**
 * An assessment: a package chosen for a job (synced from an ATS connection or typed in), with the invitation
 * validity and extra time its orders get. Published, ATSs list it as a package of its own: id `asm_…`,
 * named "<job> — <package>"; an order for that id is placed for the package with these defaults.
 */
export type AssessmentStatus = 'draft' | 'published' | 'unpublished';
export interface AssessmentRow {
  id: string;
  account_id: string;
  package_id: string;
  /** The ATS connection the job was synced from (null: typed in). */
  connection_id: string | null;
  /** The job's id in that ATS (null: typed in). */
  job_id: string | null;
  job_name: string;
  invitation_days: number;
  extra_time_percent: number;
  status: AssessmentStatus;
  published_at: string | null;
  created_at: string;
  updated_at: string;
}
export interface AssessmentsRepo {
  create(a: Omit<AssessmentRow, 'created_at' | 'updated_at' | 'published_at' | 'status'>): Promise<AssessmentRow>;
  get(accountId: string, id: string): Promise<AssessmentRow | null>;
  list(accountId: string, opts?: { status?: AssessmentStatus }): Promise<AssessmentRow[]>;
  /** Publish / unpublish; false when there is no such assessment on the account. */
  setStatus(accountId: string, id: string, status: AssessmentStatus): Promise<boolean>;
}

export interface InsightsFilter {
  packageId?: string;
  jobId?: string;
  /** ISO instants bounding orders.created_at, [from, to). */
  from?: string;
  to?: string;
}
export interface InsightsAggregates {
  funnel: { sent: number; started: number; completed: number; expired: number; cancelled: number; rejected: number; failed: number; pending: number; in_progress: number };
  /** Completed orders per score decile (0 = 0–9, …, 9 = 90–100). */
  scoreBins: number[];
  /** Completed orders per band index and outcome. */
  bandOutcomes: { band: number; hired: number; rejected: number; active: number }[];
  /** Hours from invitation to start / to completion, sorted ascending (for quantiles and the chart). */
  hoursToStart: number[];
  hoursToComplete: number[];
  byPackage: { package_id: string; package_name: string; sent: number; completed: number; avg_score: number | null }[];
  byJob: { job_id: string | null; job_name: string | null; sent: number; completed: number; avg_score: number | null }[];
}
export interface InsightsRepo {
  aggregates(accountId: string, filter: InsightsFilter, bands: readonly { min: number; max: number }[]): Promise<InsightsAggregates>;
}

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

/** One counter of a rate limit or of login protection (times in epoch milliseconds). */
export interface LimitState {
  /** Events counted since the window started. */
  count: number;
  window_start: number;
  /** Until when the key is blocked (0: not blocked). */
  blocked_until: number;
  /** When the counter lapses: the next hit after it starts a new window from zero. */
  expires_at: number;
}

/**
 * Counters for rate limits and login protection. PostgreSQL keeps them in a table every instance sees;
 * SQLite (one instance) in process memory. Keys are "<limit name>:<key>"; no call is part of a unit of work.
 */
export interface LimitsRepo {
  /** Counts one event: a lapsed (or missing) counter starts a new window of `windowMs` at `now`. Atomic across instances. */
  hit(key: string, windowMs: number, now: number): Promise<LimitState>;
  /** The counter as it stands, or null when there is none or it has lapsed. */
  get(key: string, now: number): Promise<LimitState | null>;
  /** Blocks the key until `until` (never shortening a block) and keeps the counter at least until `keepUntil`. */
  block(key: string, until: number, keepUntil: number): Promise<void>;
  clear(key: string): Promise<void>;
  /** Deletes lapsed counters; returns how many. */
  sweep(now: number): Promise<number>;
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
