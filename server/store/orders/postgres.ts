import { js, keyLock, nowIso, type Queryable } from '../postgres/db.ts';
import type { OrderListItem, OrderRow, OrderView, OrdersRepo, ResultRow, ResultsRepo } from './types.ts';
import type { Json } from '../types.ts';
import { containsPattern } from '../search-pattern.ts';
import { WIDGET_COLS, widgetRow, type WidgetRaw } from './widget-row.ts';

type ViewRaw = OrderRow & { package_name: string | null; r_score: number | null; r_max_score: number | null; r_details: Json | null; r_completed_at: string | null };
const toView = (r: ViewRaw): OrderView => {
  const { package_name, r_score, r_max_score, r_details, r_completed_at, ...rest } = r;
  const result: ResultRow | null =
    r_score === null ? null : { order_id: r.id, account_id: r.account_id, score: r_score, max_score: r_max_score!, details: r_details!, completed_at: r_completed_at! };
  return { ...rest, package_name: package_name ?? r.package_id, result };
};

const VIEW = `SELECT o.*, p.name AS package_name, r.score AS r_score, r.max_score AS r_max_score, r.details AS r_details, r.completed_at AS r_completed_at
  FROM orders o LEFT JOIN packages p ON p.account_id = o.account_id AND p.id = o.package_id LEFT JOIN results r ON r.order_id = o.id`;

const COLS = ['id', 'account_id', 'source', 'source_order_id', 'connection_id', 'package_id', 'package_version', 'candidate_id', 'application_id', 'job_id', 'job_name',
  'status', 'reason', 'invite_token_hash', 'invited_at', 'expires_at', 'started_at', 'deadline_at', 'completed_at', 'created_by', 'meta', 'created_at', 'updated_at', 'extra_time_percent'] as const;
/** Column names come from code, never from input; anything else is refused as SQLite refuses an unknown column. */
export const columnName = (k: string) => {
  if (!/^[a-z][a-z0-9_]*$/.test(k)) throw new Error(`not a column: ${JSON.stringify(k)}`);
  return k;
};

const INSERT = `INSERT INTO orders (${COLS.join(', ')}) VALUES (${COLS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (account_id, source, source_order_id) DO NOTHING RETURNING *`;

/**
 * `inUnitOfWork`: an order a unit of work looks up is one it may be about to change (expire, complete,
 * resend), so the lookup locks the row (FOR UPDATE) until commit. A twin unit of work in another
 * instance then waits and reads the row as the first left it, as it would behind SQLite's write lock.
 */
export function ordersRepo(q: Queryable, inUnitOfWork = false): OrdersRepo {
  const lock = inUnitOfWork ? ' FOR UPDATE' : '';
  const rows = async (sql: string, vals: unknown[]) => (await q.query<OrderRow>(sql, vals)).rows;
  const one = async (sql: string, vals: unknown[]) => (await rows(sql, vals))[0] ?? null;
  const views = async (sql: string, vals: unknown[]) => (await q.query<ViewRaw>(sql, vals)).rows.map(toView);
  const bySource = async (accountId: string, source: string, sourceOrderId: string) => {
    // "Is this source order here yet?" decides between taking it in and answering "duplicate": a twin
    // unit of work (the same webhook at another instance, or reconciliation) waits until this one commits.
    if (inUnitOfWork) await keyLock(q, `assay.order-source:${accountId}:${source}:${sourceOrderId}`);
    return one(`SELECT * FROM orders WHERE account_id = $1 AND source = $2 AND source_order_id = $3${lock}`, [accountId, source, sourceOrderId]);
  };
  return {
    ...orderPages(q),
    async insertOnce(o) {
      const now = nowIso();
      const row: Record<string, unknown> = { extra_time_percent: 0, ...o, meta: js(o.meta), created_at: now, updated_at: now };
      // A concurrent insert of the same source order waits on the unique key and then does nothing; the
      // row it finds afterwards (a new statement, a new snapshot) is the one that won.
      const inserted = await one(INSERT, COLS.map((c) => row[c] ?? null));
      if (inserted) return { order: inserted, created: true };
      return { order: (await bySource(o.account_id, o.source, o.source_order_id))!, created: false };
    },
    async get(accountId, id) {
      return one(`SELECT * FROM orders WHERE account_id = $1 AND id = $2${lock}`, [accountId, id]);
    },
    async getById(id) {
      return one(`SELECT * FROM orders WHERE id = $1${lock}`, [id]);
    },
    async view(accountId, id) {
      return (await views(`${VIEW} WHERE o.account_id = $1 AND o.id = $2${inUnitOfWork ? ' FOR UPDATE OF o' : ''}`, [accountId, id]))[0] ?? null;
    },
    findBySource: bySource,
    async findByInviteHash(hash) {
      return one(`SELECT * FROM orders WHERE invite_token_hash = $1${lock}`, [hash]);
    },
    async findActive(accountId, candidateId, applicationId, packageId) {
      // "Is there an active order?" decides whether to insert one: a twin unit of work asking the same
      // question waits here until this one commits, then sees its order (SQLite: one writer at a time).
      if (inUnitOfWork) await keyLock(q, `assay.active-order:${accountId}:${candidateId}:${applicationId ?? ''}:${packageId}`);
      return one(
        `SELECT * FROM orders WHERE account_id = $1 AND candidate_id = $2 AND application_id IS NOT DISTINCT FROM $3 AND package_id = $4
         AND status IN ('pending','in_progress') LIMIT 1${lock}`,
        [accountId, candidateId, applicationId, packageId],
      );
    },
    async listForApplication(accountId, applicationId, candidateId) {
      return candidateId
        ? views(`${VIEW} WHERE o.account_id = $1 AND o.application_id = $2 AND o.candidate_id = $3 ORDER BY o.created_at DESC, o.id COLLATE "C" DESC LIMIT 200`, [accountId, applicationId, candidateId])
        : views(`${VIEW} WHERE o.account_id = $1 AND o.application_id = $2 ORDER BY o.created_at DESC, o.id COLLATE "C" DESC LIMIT 200`, [accountId, applicationId]);
    },
    async listForWidget(accountId, applicationId) {
      const sql = `SELECT ${WIDGET_COLS} ${VIEW.slice(VIEW.indexOf('FROM orders o'))} WHERE o.account_id = $1 AND o.application_id = $2 ORDER BY o.created_at DESC, o.id COLLATE "C" DESC LIMIT 200`;
      return (await q.query<WidgetRaw<Json>>(sql, [accountId, applicationId])).rows.map((r) => widgetRow(r, (d) => d));
    },
    async listByCandidate(accountId, candidateId) {
      return rows('SELECT * FROM orders WHERE account_id = $1 AND candidate_id = $2 ORDER BY created_at, id COLLATE "C"', [accountId, candidateId]);
    },
    async update(accountId, id, patch) {
      const keys = Object.keys(patch).filter((k) => k !== 'updated_at').map(columnName);
      const vals = keys.map((k) => (k === 'meta' ? js(patch.meta) : (patch as Record<string, unknown>)[k]));
      const sets = [...keys.map((k, i) => `${k} = $${i + 1}`), `updated_at = $${keys.length + 1}`];
      await q.query(`UPDATE orders SET ${sets.join(', ')} WHERE account_id = $${keys.length + 2} AND id = $${keys.length + 3}`, [...vals, nowIso(), accountId, id]);
    },
    async listLapsed(now, limit) {
      return rows(
        `SELECT * FROM orders WHERE status IN ('pending','in_progress')
         AND ((status = 'pending' AND expires_at < $1) OR (status = 'in_progress' AND deadline_at < $1)) LIMIT $2`,
        [now, limit],
      );
    },
  };
}

export function resultsRepo(q: Queryable): ResultsRepo {
  return {
    async insert(r) {
      await q.query('INSERT INTO results (order_id, account_id, score, max_score, details, completed_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        r.order_id, r.account_id, r.score, r.max_score, js(r.details), r.completed_at,
      ]);
    },
    async get(accountId, orderId) {
      return (await q.query<ResultRow>('SELECT * FROM results WHERE account_id = $1 AND order_id = $2', [accountId, orderId])).rows[0] ?? null;
    },
    async standing(accountId, packageId, percent) {
      const r = await q.query<{ size: string; below: string; equal: string }>(
        `SELECT COUNT(*) AS size, COUNT(*) FILTER (WHERE r.score < $3) AS below, COUNT(*) FILTER (WHERE r.score = $3) AS equal
          FROM results r JOIN orders o ON o.id = r.order_id AND o.account_id = r.account_id WHERE r.account_id = $1 AND o.package_id = $2`,
        [accountId, packageId, percent],
      );
      const row = r.rows[0]!;
      return { size: Number(row.size), below: Number(row.below), equal: Number(row.equal) };
    },
  };
}

const LIST_COLS = `o.id, o.account_id, o.source, o.source_order_id, o.connection_id, o.package_id, o.package_version, o.candidate_id, o.application_id, o.job_id, o.job_name,
  o.status, o.reason, o.invited_at, o.expires_at, o.started_at, o.deadline_at, o.completed_at, o.created_by, o.outcome, o.outcome_at, o.created_at, o.updated_at,
  COALESCE(p.name, o.package_id) AS package_name, r.score AS score, r.details AS result_details, c.email AS candidate_email, c.first_name AS candidate_first_name,
  c.last_name AS candidate_last_name, c.erased_at AS candidate_erased_at`;

/** The dashboard's Candidates page, as the SQLite store answers it (ILIKE for its case-insensitive LIKE). */
export function orderPages(q: Queryable): Pick<OrdersRepo, 'listPage' | 'listJobs'> {
  return {
    async listPage(accountId, f) {
      const vals: unknown[] = [accountId];
      const arg = (v: unknown) => (vals.push(v), `$${vals.length}`);
      const where = ['o.account_id = $1'];
      if (f.status) where.push(`o.status = ${arg(f.status)}`);
      if (f.source) where.push(`o.source = ${arg(f.source)}`);
      if (f.packageId) where.push(`o.package_id = ${arg(f.packageId)}`);
      if (f.jobId) where.push(`o.job_id = ${arg(f.jobId)}`);
      if (f.from) where.push(`o.created_at >= ${arg(f.from)}`);
      if (f.to) where.push(`o.created_at < ${arg(f.to)}`);
      if (f.search) {
        const s = arg(containsPattern(f.search));
        where.push(`c.erased_at IS NULL AND (c.email ILIKE ${s} OR (COALESCE(c.first_name, '') || ' ' || COALESCE(c.last_name, '')) ILIKE ${s})`);
      }
      if (f.after) {
        const at = arg(f.after.created_at);
        where.push(`(o.created_at < ${at} OR (o.created_at = ${at} AND o.id COLLATE "C" < ${arg(f.after.id)}))`);
      }
      const sql = `SELECT ${LIST_COLS} FROM orders o JOIN candidates c ON c.account_id = o.account_id AND c.id = o.candidate_id
        LEFT JOIN packages p ON p.account_id = o.account_id AND p.id = o.package_id LEFT JOIN results r ON r.order_id = o.id
        WHERE ${where.join(' AND ')} ORDER BY o.created_at DESC, o.id COLLATE "C" DESC LIMIT ${arg(f.limit)}`;
      return (await q.query<OrderListItem>(sql, vals)).rows;
    },
    async listJobs(accountId) {
      return (
        await q.query<{ job_id: string; job_name: string | null }>(
          'SELECT job_id, MAX(job_name) AS job_name FROM orders WHERE account_id = $1 AND job_id IS NOT NULL GROUP BY job_id ORDER BY 2, 1 LIMIT 500',
          [accountId],
        )
      ).rows;
    },
  };
}
