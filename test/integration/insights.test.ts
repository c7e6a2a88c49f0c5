// Insights over a seeded store with known counts: every figure of every chart, the CSVs, filters,
// scoping by account and the small-sample labels.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { storeEnvFor } from '../helpers/test-store.ts';
import { seedDemo } from '../../server/accounts/create-account.ts';
import { createLogger } from '../../server/log.ts';
import { createServices } from '../../server/services.ts';
import { seedInsights } from './insights-seed.ts';
import { wilson } from '../../server/insights/compute.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { api, sessionToken } from '../helpers/tokens.ts';

// Known data (test/integration/insights-seed.ts): 12 completed work-style orders for job-a with chosen
// scores and outcomes, and a few others; the figures below are worked out by hand from it.

let srv: RunningServer;
let token: string;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-insights-'));
  const svc = await createServices({ ...loadConfig({ ...(await storeEnvFor(dataDir)) }), logLevel: 'silent' }, { log: createLogger('silent') });
  await seedDemo(svc);
  await seedInsights(svc);
  await svc.store.close();
  srv = await startServer({ dataDir });
  token = await sessionToken(srv.url, srv.demo);
});
afterAll(() => srv?.stop());

describe('insights', () => {
  it('counts the funnel: sent excludes refused orders, started and completed follow', async () => {
    const r = await api(srv.url, token).get('/api/insights');
    expect(r.status).toBe(200);
    // 25 orders, 1 refused → 24 sent; started = 12+3+1 (work-style) + 2 = 18; completed = 14.
    expect(r.body.funnel).toEqual([
      { stage: 'sent', count: 24, rate_of_sent: 100 },
      { stage: 'started', count: 18, rate_of_sent: 75 },
      { stage: 'completed', count: 14, rate_of_sent: 58.3 },
    ]);
    expect(r.body.completion_rate).toBe(58.3);
  });

  it('bins scores in deciles with the band lines', async () => {
    const r = await api(srv.url, token).get('/api/insights');
    // 5 | 15 | 34,35 | 40,49 | 50 | 60 | 74,75 | 80,88 | 90,100
    expect(r.body.scores.bins.map((b: { count: number }) => b.count)).toEqual([1, 1, 0, 2, 2, 1, 1, 2, 2, 2]);
    expect(r.body.scores.completed).toBe(14);
    expect(r.body.scores.bands.map((b: { min: number }) => b.min)).toEqual([0, 35, 50, 75]);
  });

  it('gives hire rates by band with Wilson intervals and labels small samples', async () => {
    const r = await api(srv.url, token).get('/api/insights');
    const o = r.body.outcomes;
    // band 0–34: 5,15,34 all rejected → 0/3; 35–49: 35 rejected, 49 active, 40 active → 0/1;
    // 50–74: 50 hired, 60 hired, 74 rejected → 2/3; 75–100: 75, 80, 90, 88 hired, 100 active → 4/4.
    expect(o.map((b: any) => [b.band, b.completed, b.hired, b.rejected, b.active, b.hire_rate])).toEqual([
      ['1 - Strong No Hire', 3, 0, 3, 0, 0],
      ['2 - No Hire', 3, 0, 1, 2, 0],
      ['3 - Hire', 3, 2, 1, 0, 66.7],
      ['4 - Strong Hire', 5, 4, 0, 1, 100],
    ]);
    const ci = wilson(2, 3)!;
    expect(o[2].ci_low).toBeCloseTo(ci.low * 100, 1);
    expect(o[2].ci_high).toBeCloseTo(ci.high * 100, 1);
    expect(o[2].ci_low).toBeCloseTo(20.8, 1);
    expect(o[2].ci_high).toBeCloseTo(93.9, 1);
    expect(o.every((b: any) => b.small_sample)).toBe(true);
  });

  it('measures time to start and to complete', async () => {
    const r = await api(srv.url, token).get('/api/insights');
    // hours to complete, sorted: 0.5 2 2.5 3 4 5 6 10 26 30 48 80 100 200 → median (6+10)/2 = 8
    expect(r.body.time_to_complete.n).toBe(14);
    expect(r.body.time_to_complete.median_hours).toBe(8);
    expect(r.body.time_to_complete.buckets).toEqual([
      { label: 'under 1 hour', count: 1 },
      { label: '1–4 hours', count: 3 },
      { label: '4–24 hours', count: 4 },
      { label: '1–3 days', count: 3 },
      { label: '3–7 days', count: 2 },
      { label: 'over 7 days', count: 1 },
    ]);
    // started: 12 × 0.25, 1, 2, 3, 5, 1, 1 → median of 18 values = 0.25
    expect(r.body.time_to_start).toMatchObject({ n: 18, median_hours: 0.3 });
  });

  it('breaks down by package and by job', async () => {
    const r = await api(srv.url, token).get('/api/insights');
    const ws = r.body.by_package.find((p: any) => p.package_id === 'work-style');
    expect(ws).toMatchObject({ package_name: 'Work Style', sent: 20, completed: 12, completion_rate: 60 });
    expect(ws.avg_score).toBeCloseTo((5 + 15 + 34 + 35 + 49 + 50 + 60 + 74 + 75 + 80 + 90 + 100) / 12, 1);
    const lr = r.body.by_package.find((p: any) => p.package_id === 'logical-reasoning');
    expect(lr).toMatchObject({ sent: 4, completed: 2, completion_rate: 50, avg_score: 64 });
    expect(r.body.by_job.map((j: any) => [j.job_id, j.job_name, j.sent, j.completed])).toEqual([
      ['job-a', 'Job A', 20, 12],
      ['job-b', 'Job B', 4, 2],
    ]);
  });

  it('filters by package, job and period', async () => {
    const a = api(srv.url, token);
    const byPkg = await a.get('/api/insights?package_id=logical-reasoning');
    expect(byPkg.body.funnel[0].count).toBe(4);
    const byJob = await a.get('/api/insights?job_id=job-a');
    expect(byJob.body.funnel[2].count).toBe(12);
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const today = await a.get(`/api/insights?from=${day(0)}&to=${day(0)}`);
    expect(today.body.funnel[0].count).toBe(24);
    const none = await a.get(`/api/insights?from=${day(1)}`);
    expect(none.body.funnel[0].count).toBe(0);
    expect((await a.get(`/api/insights?to=${day(-1)}`)).body.funnel[0].count).toBe(0);
    expect((await a.get(`/api/insights?from=${day(1)}&to=${day(-1)}`)).status).toBe(400);
    expect(none.body.completion_rate).toBeNull();
    const bad = await a.get('/api/insights?from=yesterday');
    expect(bad.status).toBe(400);
    const unknown = await a.get('/api/insights?candidate=seed-1');
    expect(unknown.status).toBe(400);
  });

  it('exports the rows behind every chart as CSV with no personal data', async () => {
    const a = api(srv.url, token);
    const res = await fetch(`${srv.url}/api/insights/outcomes.csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe('band,score_min,score_max,completed,hired,rejected,active,hire_rate_percent,ci95_low_percent,ci95_high_percent,small_sample');
    expect(text.split('\r\n')[3]).toMatch(/^3 - Hire,50,74,3,2,1,0,66\.7,20\.8,93\.9,true$/);
    for (const chart of ['funnel', 'scores', 'time_to_complete', 'by_package', 'by_job']) {
      const r = await fetch(`${srv.url}/api/insights/${chart}.csv`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status, chart).toBe(200);
      const body = await r.text();
      expect(body).not.toMatch(/@example\.com|Seed/);
    }
    expect((await a.get('/api/insights/funnel.csv')).status).toBe(200);
    expect((await a.get('/api/insights/nope.csv')).status).toBe(404);
    const funnel = await (await fetch(`${srv.url}/api/insights/funnel.csv`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(funnel).toBe('stage,count,rate_of_sent_percent\r\nsent,24,100\r\nstarted,18,75\r\ncompleted,14,58.3\r\n');
  });

  it('is scoped by account and closed to viewers', async () => {
    const viewer = api(srv.url, await sessionToken(srv.url, srv.demo, { claims: { role: 'viewer' } }));
    expect((await viewer.get('/api/insights')).status).toBe(403);
    const { assay } = await import('../helpers/cli.ts');
    const other = await assay(['accounts:create', '--name', 'Other', '--issuer', 'https://other.example', '--json'], { ...srv.storeEnv });
    expect(other.code, other.stderr).toBe(0);
    const b = api(srv.url, await sessionToken(srv.url, { issuer: other.json.issuer, audience: 'assay', context_secret: other.json.context_secret }));
    const r = await b.get('/api/insights');
    expect(r.body.funnel[0].count).toBe(0);
    expect(r.body.by_package).toEqual([]);
  });
});
