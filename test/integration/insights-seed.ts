// A known set of orders, results and outcomes for the demo account, written through the store, with the
// figures they make (the same seed as test/integration/insights.test.ts). Used by the Insights page and
// browser tests.
import { newId } from '../../server/ids.ts';
import type { Services } from '../../server/services.ts';

type Seed = { pkg: string; job: string; status: string; score?: number; outcome?: 'hired' | 'rejected'; startH?: number; doneH?: number };

const completedA: [number, 'hired' | 'rejected' | undefined, number][] = [
  [5, 'rejected', 2], [15, 'rejected', 3], [34, 'rejected', 30],
  [35, 'rejected', 0.5], [49, undefined, 5],
  [50, 'hired', 26], [60, 'hired', 80], [74, 'rejected', 100],
  [75, 'hired', 200], [80, 'hired', 10], [90, 'hired', 2.5], [100, undefined, 48],
];

export const SEEDS: Seed[] = [
  ...completedA.map(([score, outcome, doneH]) => ({ pkg: 'work-style', job: 'job-a', status: 'completed', score, outcome, startH: 0.25, doneH })),
  { pkg: 'work-style', job: 'job-a', status: 'in_progress', startH: 1 },
  { pkg: 'work-style', job: 'job-a', status: 'in_progress', startH: 2 },
  { pkg: 'work-style', job: 'job-a', status: 'in_progress', startH: 3 },
  { pkg: 'work-style', job: 'job-a', status: 'pending' },
  { pkg: 'work-style', job: 'job-a', status: 'pending' },
  { pkg: 'work-style', job: 'job-a', status: 'expired', startH: 5 },
  { pkg: 'work-style', job: 'job-a', status: 'expired' },
  { pkg: 'work-style', job: 'job-a', status: 'cancelled' },
  { pkg: 'logical-reasoning', job: 'job-b', status: 'completed', score: 40, startH: 1, doneH: 4 },
  { pkg: 'logical-reasoning', job: 'job-b', status: 'completed', score: 88, outcome: 'hired', startH: 1, doneH: 6 },
  { pkg: 'logical-reasoning', job: 'job-b', status: 'rejected' },
  { pkg: 'logical-reasoning', job: 'job-b', status: 'pending' },
  { pkg: 'logical-reasoning', job: 'job-b', status: 'pending' },
];

/** What the seed makes, as the tables show it. */
export const SEEDED = {
  funnel: [
    ['Sent', '24', '100%'],
    ['Started', '18', '75%'],
    ['Completed', '14', '58.3%'],
  ],
  funnelCsv: 'stage,count,rate_of_sent_percent\r\nsent,24,100\r\nstarted,18,75\r\ncompleted,14,58.3\r\n',
  scores: ['1', '1', '0', '2', '2', '1', '1', '2', '2', '2'],
  outcomes: [
    ['1 - Strong No Hire', '0–34', '3', '0', '3', '0', '0%', '0%–56.1%', 'small sample (n = 3)'],
    ['2 - No Hire', '35–49', '3', '0', '1', '2', '0%', '0%–79.3%', 'small sample (n = 1)'],
    ['3 - Hire', '50–74', '3', '2', '1', '0', '66.7%', '20.8%–93.9%', 'small sample (n = 3)'],
    ['4 - Strong Hire', '75–100', '5', '4', '0', '1', '100%', '51%–100%', 'small sample (n = 4)'],
  ],
  time: ['1', '3', '4', '3', '2', '1'],
  /** Only logical-reasoning (job-b): 4 sent (5 orders, one refused), 2 completed. */
  logicalReasoning: [
    ['Sent', '4', '100%'],
    ['Started', '2', '50%'],
    ['Completed', '2', '50%'],
  ],
};

/** Writes the seed for an account; `T0` is when every invitation went out. Returns the order ids. */
export async function seedInsights(svc: Services, accountId = 'demo', T0 = Date.parse('2026-10-01T09:00:00.000Z')): Promise<string[]> {
  const ids: string[] = [];
  await svc.store.transaction(async (tx) => {
    let i = 0;
    for (const s of SEEDS) {
      i++;
      const cand = await tx.candidates.upsert({ account_id: accountId, source: 'ats', external_id: `seed-${i}`, email: `seed${i}@example.com`, first_name: 'Seed', last_name: String(i), locale: null });
      const at = (h?: number) => (h === undefined ? null : new Date(T0 + h * 3_600_000).toISOString());
      const id = newId('ord');
      ids.push(id);
      await tx.orders.insertOnce({
        id, account_id: accountId, source: 'widget', source_order_id: id, connection_id: null, package_id: s.pkg, package_version: 1, candidate_id: cand.id,
        application_id: `seed-app-${i}`, job_id: s.job, job_name: s.job === 'job-a' ? 'Job A' : 'Job B', status: s.status as never, reason: null,
        invite_token_hash: null, invited_at: s.status === 'rejected' ? null : at(0), expires_at: null, started_at: at(s.startH), deadline_at: null,
        completed_at: s.status === 'completed' ? at(s.doneH) : null, created_by: 'seed', meta: {},
      });
      if (s.outcome) await tx.orders.update(accountId, id, { outcome: s.outcome, outcome_at: at(300) });
      if (s.score !== undefined) await tx.results.insert({ order_id: id, account_id: accountId, score: s.score, max_score: 100, details: {}, completed_at: at(s.doneH)! });
    }
  });
  return ids;
}
