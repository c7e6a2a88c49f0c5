import type Database from 'better-sqlite3';
import type { DB } from '../sqlite/db.ts';
import type { InsightsAggregates, InsightsFilter, InsightsRepo } from './types.ts';

/** WHERE clause and parameters for a filter; every query is scoped by account first. */
function where(accountId: string, f: InsightsFilter): { sql: string; params: unknown[] } {
  const parts = ['o.account_id = ?'];
  const params: unknown[] = [accountId];
  if (f.packageId) (parts.push('o.package_id = ?'), params.push(f.packageId));
  if (f.jobId) (parts.push('o.job_id = ?'), params.push(f.jobId));
  if (f.from) (parts.push('o.created_at >= ?'), params.push(f.from));
  if (f.to) (parts.push('o.created_at < ?'), params.push(f.to));
  return { sql: parts.join(' AND '), params };
}

// Rounded to the second so julianday's floating point does not move a value across a bucket edge.
const HOURS = (a: string, b: string) => `ROUND((julianday(${b}) - julianday(${a})) * 86400.0) / 3600.0`;

export function insightsRepo(db: DB): InsightsRepo {
  // Filters vary, so statements are cached by their SQL text (a handful of shapes in practice).
  const cache = new Map<string, Database.Statement<unknown[]>>();
  const prep = (sql: string) => {
    let st = cache.get(sql);
    if (!st) cache.set(sql, (st = db.prepare<unknown[]>(sql)));
    return st;
  };
  return {
    async aggregates(accountId, filter, bands): Promise<InsightsAggregates> {
      const w = where(accountId, filter);
      const f = prep(`SELECT COUNT(*) AS total,
          SUM(o.started_at IS NOT NULL) AS started,
          SUM(o.status = 'completed') AS completed, SUM(o.status = 'expired') AS expired, SUM(o.status = 'cancelled') AS cancelled,
          SUM(o.status = 'rejected') AS rejected, SUM(o.status = 'failed') AS failed, SUM(o.status = 'pending') AS pending, SUM(o.status = 'in_progress') AS in_progress
        FROM orders o WHERE ${w.sql}`).get(...w.params) as Record<string, number | null>;
      const n = (k: string) => Number(f[k] ?? 0);
      // Refused orders never reached a candidate: "sent" counts invitations only.
      const funnel = { sent: n('total') - n('rejected'), started: n('started'), completed: n('completed'), expired: n('expired'), cancelled: n('cancelled'), rejected: n('rejected'), failed: n('failed'), pending: n('pending'), in_progress: n('in_progress') };

      const bins = prep(`SELECT MIN(CAST(r.score / 10 AS INTEGER), 9) AS bin, COUNT(*) AS n FROM orders o JOIN results r ON r.order_id = o.id
        WHERE ${w.sql} AND o.status = 'completed' GROUP BY bin`).all(...w.params) as { bin: number; n: number }[];
      const scoreBins = Array.from({ length: 10 }, (_, i) => bins.find((b) => b.bin === i)?.n ?? 0);

      const bandCase = bands.length
        ? `CASE ${bands.map((_, i) => `WHEN ROUND(r.score) BETWEEN ? AND ? THEN ${i}`).join(' ')} ELSE -1 END`
        : '-1';
      const bandParams = bands.flatMap((b) => [b.min, b.max]);
      const bo = prep(`SELECT ${bandCase} AS band, SUM(o.outcome = 'hired') AS hired, SUM(o.outcome = 'rejected') AS rejected, SUM(o.outcome IS NULL OR o.outcome NOT IN ('hired','rejected')) AS active
        FROM orders o JOIN results r ON r.order_id = o.id WHERE ${w.sql} AND o.status = 'completed' GROUP BY band`).all(...bandParams, ...w.params) as { band: number; hired: number; rejected: number; active: number }[];
      const bandOutcomes = bands.map((_, i) => {
        const row = bo.find((r) => r.band === i);
        return { band: i, hired: Number(row?.hired ?? 0), rejected: Number(row?.rejected ?? 0), active: Number(row?.active ?? 0) };
      });

      const hoursToStart = (prep(`SELECT ${HOURS('o.invited_at', 'o.started_at')} AS h FROM orders o WHERE ${w.sql} AND o.started_at IS NOT NULL AND o.invited_at IS NOT NULL ORDER BY h`).pluck().all(...w.params) as number[]).map((h) => Math.max(0, h));
      const hoursToComplete = (prep(`SELECT ${HOURS('o.invited_at', 'o.completed_at')} AS h FROM orders o WHERE ${w.sql} AND o.status = 'completed' AND o.completed_at IS NOT NULL AND o.invited_at IS NOT NULL ORDER BY h`).pluck().all(...w.params) as number[]).map((h) => Math.max(0, h));

      const byPackage = prep(`SELECT o.package_id, COALESCE(p.name, o.package_id) AS package_name, COUNT(*) - SUM(o.status = 'rejected') AS sent, SUM(o.status = 'completed') AS completed, AVG(r.score) AS avg_score
        FROM orders o LEFT JOIN packages p ON p.account_id = o.account_id AND p.id = o.package_id LEFT JOIN results r ON r.order_id = o.id
        WHERE ${w.sql} GROUP BY o.package_id ORDER BY sent DESC, o.package_id`).all(...w.params) as InsightsAggregates['byPackage'];
      const byJob = prep(`SELECT o.job_id, MAX(o.job_name) AS job_name, COUNT(*) - SUM(o.status = 'rejected') AS sent, SUM(o.status = 'completed') AS completed, AVG(r.score) AS avg_score
        FROM orders o LEFT JOIN results r ON r.order_id = o.id WHERE ${w.sql} GROUP BY o.job_id ORDER BY sent DESC, o.job_id`).all(...w.params) as InsightsAggregates['byJob'];
      return { funnel, scoreBins, bandOutcomes, hoursToStart, hoursToComplete, byPackage, byJob };
    },
  };
}
