import type { DB } from '../sqlite/db.ts';
import { json, nowIso } from '../sqlite/db.ts';
import type Database from 'better-sqlite3';
import { containsPattern } from '../search-pattern.ts';
import { WIDGET_COLS, widgetRow, type WidgetRaw } from './widget-row.ts';
import type { OrderListItem, OrderRow, OrderView, OrdersRepo, ResultRow, ResultsRepo } from './types.ts';
import type { Json } from '../types.ts';

type Raw = Omit<OrderRow, 'meta'> & { meta: string };
const toRow = (r: Raw | undefined): OrderRow | null => (r ? { ...r, meta: json<Json>(r.meta) } : null);

type ViewRaw = Raw & { package_name: string | null; r_score: number | null; r_max_score: number | null; r_details: string | null; r_completed_at: string | null };
const toView = (r: ViewRaw): OrderView => {
  const { package_name, r_score, r_max_score, r_details, r_completed_at, ...rest } = r;
  const result: ResultRow | null =
    r_score === null ? null : { order_id: r.id, account_id: r.account_id, score: r_score, max_score: r_max_score!, details: json(r_details), completed_at: r_completed_at! };
  return { ...toRow(rest as Raw)!, package_name: package_name ?? r.package_id, result };
};

const VIEW = `SELECT o.*, p.name AS package_name, r.score AS r_score, r.max_score AS r_max_score, r.details AS r_details, r.completed_at AS r_completed_at
  FROM orders o LEFT JOIN packages p ON p.account_id = o.account_id AND p.id = o.package_id LEFT JOIN results r ON r.order_id = o.id`;

/**
 * One application's orders (GET /api/orders on every widget load). The index is named: without ANALYZE
 * statistics (the store never runs it) SQLite prefers orders_account_recent for its ORDER BY and walks
 * every order of the account to find the application's few, e.g. 19 ms instead of 0.07 ms per call at
 * 50,000 orders on one account.
 */
export const FOR_APPLICATION = `${VIEW.replace('FROM orders o', 'FROM orders o INDEXED BY orders_application')} WHERE o.account_id = ? AND o.application_id = ? ORDER BY o.created_at DESC, o.id DESC LIMIT 200`;

/**
 * The candidate's open order of a package (placeOrder's order_already_active check, on every order placed).
 * The index is named: planned from the schema alone SQLite took orders_account_package and walked every
 * order of the package on the account (7 % of the server's time in the ingest profile at 200 webhooks/s,
 * growing with the table); a candidate has a handful of orders.
 */
export const ACTIVE = `SELECT * FROM orders INDEXED BY orders_candidate WHERE account_id = ? AND candidate_id = ? AND application_id IS ? AND package_id = ?
    AND status IN ('pending','in_progress') LIMIT 1`;

const COLS = ['id', 'account_id', 'source', 'source_order_id', 'connection_id', 'package_id', 'package_version', 'candidate_id', 'application_id', 'job_id', 'job_name',
  'status', 'reason', 'invite_token_hash', 'invited_at', 'expires_at', 'started_at', 'deadline_at', 'completed_at', 'created_by', 'meta', 'created_at', 'updated_at', 'extra_time_percent'];

export function ordersRepo(db: DB): OrdersRepo {
  const ins = db.prepare(`INSERT INTO orders (${COLS.join(', ')}) VALUES (${COLS.map((c) => '@' + c).join(', ')}) ON CONFLICT (account_id, source, source_order_id) DO NOTHING`);
  const bySource = db.prepare('SELECT * FROM orders WHERE account_id = ? AND source = ? AND source_order_id = ?');
  const get = db.prepare('SELECT * FROM orders WHERE account_id = ? AND id = ?');
  const getById = db.prepare('SELECT * FROM orders WHERE id = ?');
  const view = db.prepare(`${VIEW} WHERE o.account_id = ? AND o.id = ?`);
  const byInvite = db.prepare('SELECT * FROM orders WHERE invite_token_hash = ?');
  const active = db.prepare(ACTIVE);
  const forApp = db.prepare(FOR_APPLICATION);
  const forWidget = db.prepare(`SELECT ${WIDGET_COLS} ${FOR_APPLICATION.slice(FOR_APPLICATION.indexOf('FROM orders o'))}`);
  const forAppCand = db.prepare(FOR_APPLICATION.replace('AND o.application_id = ?', 'AND o.application_id = ? AND o.candidate_id = ?'));
  const byCandidate = db.prepare('SELECT * FROM orders WHERE account_id = ? AND candidate_id = ?');
  const lapsed = db.prepare(`SELECT * FROM orders WHERE status IN ('pending','in_progress')
    AND ((status = 'pending' AND expires_at < @now) OR (status = 'in_progress' AND deadline_at < @now)) LIMIT @limit`);
  return {
    ...orderPages(db),
    async insertOnce(o) {
      const now = nowIso();
      const info = ins.run({ extra_time_percent: 0, ...o, meta: JSON.stringify(o.meta), created_at: now, updated_at: now });
      if (info.changes === 1) return { order: { extra_time_percent: 0, ...o, outcome: null, outcome_at: null, writeback_state: null, writeback_note: null, writeback_at: null, created_at: now, updated_at: now }, created: true };
      return { order: toRow(bySource.get(o.account_id, o.source, o.source_order_id) as Raw)!, created: false };
    },
    async get(accountId, id) {
      return toRow(get.get(accountId, id) as Raw | undefined);
    },
    async getById(id) {
      return toRow(getById.get(id) as Raw | undefined);
    },
    async view(accountId, id) {
      const r = view.get(accountId, id) as ViewRaw | undefined;
      return r ? toView(r) : null;
    },
    async findBySource(accountId, source, sourceOrderId) {
      return toRow(bySource.get(accountId, source, sourceOrderId) as Raw | undefined);
    },
    async findByInviteHash(hash) {
      return toRow(byInvite.get(hash) as Raw | undefined);
    },
    async findActive(accountId, candidateId, applicationId, packageId) {
      return toRow(active.get(accountId, candidateId, applicationId, packageId) as Raw | undefined);
    },
    async listForApplication(accountId, applicationId, candidateId) {
      const rows = (candidateId ? forAppCand.all(accountId, applicationId, candidateId) : forApp.all(accountId, applicationId)) as ViewRaw[];
      return rows.map(toView);
    },
    async listForWidget(accountId, applicationId) {
      return (forWidget.all(accountId, applicationId) as WidgetRaw<string>[]).map((r) => widgetRow(r, json<Json>));
    },
    async listByCandidate(accountId, candidateId) {
      return (byCandidate.all(accountId, candidateId) as Raw[]).map((r) => toRow(r)!);
    },
    async update(accountId, id, patch) {
      const keys = Object.keys(patch).filter((k) => k !== 'updated_at');
      const vals = keys.map((k) => (k === 'meta' ? JSON.stringify(patch.meta) : (patch as Record<string, unknown>)[k]));
      db.prepare(`UPDATE orders SET ${[...keys.map((k) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE account_id = ? AND id = ?`).run(...vals, nowIso(), accountId, id);
    },
    async listLapsed(now, limit) {
      return (lapsed.all({ now, limit }) as Raw[]).map((r) => toRow(r)!);
    },
  };
}

export function resultsRepo(db: DB): ResultsRepo {
  const ins = db.prepare(`INSERT INTO results (order_id, account_id, score, max_score, details, completed_at) VALUES (@order_id, @account_id, @score, @max_score, @details, @completed_at)`);
  const get = db.prepare('SELECT * FROM results WHERE account_id = ? AND order_id = ?');
  const standing = db.prepare(`SELECT COUNT(*) AS size, COALESCE(SUM(r.score < @p), 0) AS below, COALESCE(SUM(r.score = @p), 0) AS equal
    FROM results r JOIN orders o ON o.id = r.order_id AND o.account_id = r.account_id WHERE r.account_id = @a AND o.package_id = @pkg`);
  return {
    async insert(r) {
      ins.run({ ...r, details: JSON.stringify(r.details) });
    },
    async get(accountId, orderId) {
      const r = get.get(accountId, orderId) as (Omit<ResultRow, 'details'> & { details: string }) | undefined;
      return r ? { ...r, details: json(r.details) } : null;
    },
    async standing(accountId, packageId, percent) {
      return standing.get({ a: accountId, pkg: packageId, p: percent }) as { size: number; below: number; equal: number };
    },
  };
}

type ListRaw = Omit<OrderListItem, 'result_details'> & { result_details: string | null };
const LIST_COLS = `o.id, o.account_id, o.source, o.source_order_id, o.connection_id, o.package_id, o.package_version, o.candidate_id, o.application_id, o.job_id, o.job_name,
  o.status, o.reason, o.invited_at, o.expires_at, o.started_at, o.deadline_at, o.completed_at, o.created_by, o.outcome, o.outcome_at, o.created_at, o.updated_at,
  COALESCE(p.name, o.package_id) AS package_name, r.score AS score, r.details AS result_details, c.email AS candidate_email, c.first_name AS candidate_first_name,
  c.last_name AS candidate_last_name, c.erased_at AS candidate_erased_at`;


/** The dashboard's Candidates page: one statement per distinct filter shape, cached. */
export function orderPages(db: DB): Pick<OrdersRepo, 'listPage' | 'listJobs'> {
  const cache = new Map<string, Database.Statement>();
  const jobs = db.prepare(`SELECT job_id, MAX(job_name) AS job_name FROM orders WHERE account_id = ? AND job_id IS NOT NULL GROUP BY job_id ORDER BY 2, 1 LIMIT 500`);
  return {
    async listPage(accountId, q) {
      const where = ['o.account_id = @account'];
      const p: Record<string, unknown> = { account: accountId, limit: q.limit };
      if (q.status) (where.push('o.status = @status'), (p.status = q.status));
      if (q.source) (where.push('o.source = @source'), (p.source = q.source));
      if (q.packageId) (where.push('o.package_id = @package'), (p.package = q.packageId));
      if (q.jobId) (where.push('o.job_id = @job'), (p.job = q.jobId));
      if (q.from) (where.push('o.created_at >= @from'), (p.from = q.from));
      if (q.to) (where.push('o.created_at < @to'), (p.to = q.to));
      if (q.search) {
        where.push(`c.erased_at IS NULL AND (c.email LIKE @search ESCAPE '\\' OR (COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, '')) LIKE @search ESCAPE '\\')`);
        p.search = containsPattern(q.search);
      }
      if (q.after) (where.push('(o.created_at < @after_at OR (o.created_at = @after_at AND o.id < @after_id))'), (p.after_at = q.after.created_at), (p.after_id = q.after.id));
      const sql = `SELECT ${LIST_COLS} FROM orders o JOIN candidates c ON c.account_id = o.account_id AND c.id = o.candidate_id
        LEFT JOIN packages p ON p.account_id = o.account_id AND p.id = o.package_id LEFT JOIN results r ON r.order_id = o.id
        WHERE ${where.join(' AND ')} ORDER BY o.created_at DESC, o.id DESC LIMIT @limit`;
      let stmt = cache.get(sql);
      if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
      return (stmt.all(p) as ListRaw[]).map((r) => ({ ...r, result_details: json<Json>(r.result_details) }));
    },
    async listJobs(accountId) {
      return jobs.all(accountId) as { job_id: string; job_name: string | null }[];
    },
  };
}
