import { nowIso, C, type Queryable } from '../postgres/db.ts';
import type { AssessmentRow, AssessmentsRepo } from './types.ts';

export function assessmentsRepo(q: Queryable): AssessmentsRepo {
  const rows = async (sql: string, vals: unknown[]) => (await q.query<AssessmentRow>(sql, vals)).rows;
  return {
    async create(a) {
      return (await rows(
        `INSERT INTO assessments (id, account_id, package_id, connection_id, job_id, job_name, invitation_days, extra_time_percent, status, published_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', NULL, $9, $9) RETURNING *`,
        [a.id, a.account_id, a.package_id, a.connection_id, a.job_id, a.job_name, a.invitation_days, a.extra_time_percent, nowIso()],
      ))[0]!;
    },
    async get(accountId, id) {
      return (await rows('SELECT * FROM assessments WHERE account_id = $1 AND id = $2', [accountId, id]))[0] ?? null;
    },
    async list(accountId, opts) {
      const order = `ORDER BY job_name ${C}, created_at, id ${C}`;
      return opts?.status
        ? rows(`SELECT * FROM assessments WHERE account_id = $1 AND status = $2 ${order}`, [accountId, opts.status])
        : rows(`SELECT * FROM assessments WHERE account_id = $1 ${order}`, [accountId]);
    },
    async setStatus(accountId, id, status) {
      const r = await q.query(
        `UPDATE assessments SET status = $3, updated_at = $4, published_at = CASE WHEN $3 = 'published' THEN $4::timestamptz ELSE published_at END
         WHERE account_id = $1 AND id = $2`,
        [accountId, id, status, nowIso()],
      );
      return (r.rowCount ?? 0) > 0;
    },
  };
}
