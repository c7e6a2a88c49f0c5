import type { DB } from '../sqlite/db.ts';
import { nowIso } from '../sqlite/db.ts';
import type { AssessmentRow, AssessmentsRepo } from './types.ts';

export function assessmentsRepo(db: DB): AssessmentsRepo {
  const ins = db.prepare(`INSERT INTO assessments (id, account_id, package_id, connection_id, job_id, job_name, invitation_days, extra_time_percent, status, published_at, created_at, updated_at)
    VALUES (@id, @account_id, @package_id, @connection_id, @job_id, @job_name, @invitation_days, @extra_time_percent, 'draft', NULL, @now, @now)`);
  const get = db.prepare('SELECT * FROM assessments WHERE account_id = ? AND id = ?');
  const listAll = db.prepare('SELECT * FROM assessments WHERE account_id = ? ORDER BY job_name, created_at, id');
  const listStatus = db.prepare('SELECT * FROM assessments WHERE account_id = ? AND status = ? ORDER BY job_name, created_at, id');
  const setStatus = db.prepare(`UPDATE assessments SET status = @status, updated_at = @now,
    published_at = CASE WHEN @status = 'published' THEN @now ELSE published_at END WHERE account_id = @account_id AND id = @id`);
  return {
    async create(a) {
      ins.run({ ...a, now: nowIso() });
      return get.get(a.account_id, a.id) as AssessmentRow;
    },
    async get(accountId, id) {
      return (get.get(accountId, id) as AssessmentRow | undefined) ?? null;
    },
    async list(accountId, opts) {
      return (opts?.status ? listStatus.all(accountId, opts.status) : listAll.all(accountId)) as AssessmentRow[];
    },
    async setStatus(accountId, id, status) {
      return setStatus.run({ account_id: accountId, id, status, now: nowIso() }).changes > 0;
    },
  };
}
