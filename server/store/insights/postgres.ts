import { type Queryable } from '../postgres/db.ts';
import type { InsightsAggregates, InsightsFilter, InsightsRepo } from './types.ts';

/** Numbered parameters in the order the SQL text asks for them. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** WHERE clause for a filter; every query is scoped by account first. */
function where(p: Params, accountId: string, f: InsightsFilter): string {
  const parts = [`o.account_id = ${p.add(accountId)}`];
  if (f.packageId) parts.push(`o.package_id = ${p.add(f.packageId)}`);
  if (f.jobId) parts.push(`o.job_id = ${p.add(f.jobId)}`);
  if (f.from) parts.push(`o.created_at >= ${p.add(f.from)}`);
  if (f.to) parts.push(`o.created_at < ${p.add(f.to)}`);
  return parts.join(' AND ');
}

const HOURS = (a: string, b: string) => `(EXTRACT(EPOCH FROM (${b} - ${a})) / 3600.0)::float8`;
const count = (cond: string) => `COUNT(*) FILTER (WHERE ${cond})`;

// Same figures as ./sqlite.ts; where SQL dialects differ the SQLite meaning is kept:
// CAST(x AS INTEGER) truncates (trunc), ROUND rounds halves away from zero (numeric round), NULLs sort first.
export function insightsRepo(q: Queryable): InsightsRepo {
  const run = async <R>(build: (p: Params) => string) => {
    const p = new Params();
    const sql = build(p);
    return (await q.query(sql, p.values)).rows as R[];
  };
  return {
    async aggregates(accountId, filter, bands): Promise<InsightsAggregates> {
      const [f] = await run<Record<string, number | null>>((p) => `SELECT COUNT(*) AS total,
          ${count('o.started_at IS NOT NULL')} AS started,
          ${count("o.status = 'completed'")} AS completed, ${count("o.status = 'expired'")} AS expired, ${count("o.status = 'cancelled'")} AS cancelled,
          ${count("o.status = 'rejected'")} AS rejected, ${count("o.status = 'failed'")} AS failed, ${count("o.status = 'pending'")} AS pending, ${count("o.status = 'in_progress'")} AS in_progress
        FROM orders o WHERE ${where(p, accountId, filter)}`);
      const n = (k: string) => Number(f?.[k] ?? 0);
      const funnel = { sent: n('total') - n('rejected'), started: n('started'), completed: n('completed'), expired: n('expired'), cancelled: n('cancelled'), rejected: n('rejected'), failed: n('failed'), pending: n('pending'), in_progress: n('in_progress') };

      const bins = await run<{ bin: number; n: number }>((p) => `SELECT LEAST(trunc(r.score / 10)::int, 9) AS bin, COUNT(*) AS n FROM orders o JOIN results r ON r.order_id = o.id
        WHERE ${where(p, accountId, filter)} AND o.status = 'completed' GROUP BY 1`);
      const scoreBins = Array.from({ length: 10 }, (_, i) => Number(bins.find((b) => b.bin === i)?.n ?? 0));

      const bo = await run<{ band: number; hired: number; rejected: number; active: number }>((p) => {
        const bandCase = bands.length ? `CASE ${bands.map((b, i) => `WHEN round(r.score::numeric) BETWEEN ${p.add(b.min)} AND ${p.add(b.max)} THEN ${i}`).join(' ')} ELSE -1 END` : '-1';
        return `SELECT ${bandCase} AS band, ${count("o.outcome = 'hired'")} AS hired, ${count("o.outcome = 'rejected'")} AS rejected,
            ${count("o.outcome IS NULL OR o.outcome NOT IN ('hired','rejected')")} AS active
          FROM orders o JOIN results r ON r.order_id = o.id WHERE ${where(p, accountId, filter)} AND o.status = 'completed' GROUP BY 1`;
      });
      const bandOutcomes = bands.map((_, i) => {
        const row = bo.find((r) => r.band === i);
        return { band: i, hired: Number(row?.hired ?? 0), rejected: Number(row?.rejected ?? 0), active: Number(row?.active ?? 0) };
      });

      const hours = async (to: string, cond: string) =>
        (await run<{ h: number }>((p) => `SELECT ${HOURS('o.invited_at', to)} AS h FROM orders o WHERE ${where(p, accountId, filter)} AND ${cond} ORDER BY h`)).map((r) => Math.max(0, r.h));
      const hoursToStart = await hours('o.started_at', 'o.started_at IS NOT NULL AND o.invited_at IS NOT NULL');
      const hoursToComplete = await hours('o.completed_at', "o.status = 'completed' AND o.completed_at IS NOT NULL AND o.invited_at IS NOT NULL");

      const num = <T extends Record<string, unknown>>(rows: T[], keys: (keyof T)[]) =>
        rows.map((r) => ({ ...r, ...Object.fromEntries(keys.map((k) => [k, r[k] === null ? null : Number(r[k])])) }));
      const byPackage = num(
        await run<InsightsAggregates['byPackage'][number]>((p) => `SELECT o.package_id, COALESCE(MAX(pk.name), o.package_id) AS package_name,
            COUNT(*) - ${count("o.status = 'rejected'")} AS sent, ${count("o.status = 'completed'")} AS completed, AVG(r.score) AS avg_score
          FROM orders o LEFT JOIN packages pk ON pk.account_id = o.account_id AND pk.id = o.package_id LEFT JOIN results r ON r.order_id = o.id
          WHERE ${where(p, accountId, filter)} GROUP BY o.package_id ORDER BY sent DESC, o.package_id COLLATE "C"`),
        ['sent', 'completed', 'avg_score'],
      ) as InsightsAggregates['byPackage'];
      const byJob = num(
        await run<InsightsAggregates['byJob'][number]>((p) => `SELECT o.job_id, MAX(o.job_name) AS job_name, COUNT(*) - ${count("o.status = 'rejected'")} AS sent,
            ${count("o.status = 'completed'")} AS completed, AVG(r.score) AS avg_score
          FROM orders o LEFT JOIN results r ON r.order_id = o.id WHERE ${where(p, accountId, filter)} GROUP BY o.job_id ORDER BY sent DESC, o.job_id COLLATE "C" NULLS FIRST`),
        ['sent', 'completed', 'avg_score'],
      ) as InsightsAggregates['byJob'];
      return { funnel, scoreBins, bandOutcomes, hoursToStart, hoursToComplete, byPackage, byJob };
    },
  };
}
