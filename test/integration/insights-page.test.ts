// The provider dashboard's /insights: login required, the account is the logged-in user's, the same
// numbers as the API in tables behind SVG charts, filters as query parameters, CSV with the cookie.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, seedDemo } from '../../server/accounts/create-account.ts';
import { hashPassword } from '../../server/accounts/passwords.ts';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { storeEnvFor } from '../helpers/test-store.ts';
import { newId } from '../../server/ids.ts';
import { createLogger } from '../../server/log.ts';
import { createServices, type Services } from '../../server/services.ts';
import { SEEDED, seedInsights } from './insights-seed.ts';

let dataDir: string;
let svc: Services;
let app: ReturnType<typeof createApp>;
let demo: { user: { email: string; password: string } };
let orderIds: string[];
let demoCookie: string;

async function login(email: string, password: string): Promise<string> {
  const res = await app.request('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, password }).toString() });
  expect(res.status).toBe(303);
  const value = /assay_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  expect(value).toBeTruthy();
  return `assay_session=${value}`;
}

const get = (path: string, cookie?: string) => app.request(path, { headers: cookie ? { cookie } : {} });

/** The body cells of the table with this caption, row by row. */
function table(html: string, caption: string): string[][] {
  const m = new RegExp(`<caption>${caption}</caption>[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(html);
  if (!m) throw new Error(`no table "${caption}"`);
  return [...m[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!));
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'assay-insights-page-'));
  svc = await createServices({ ...loadConfig({ ...(await storeEnvFor(dataDir)), PUBLIC_URL: 'http://assay.test', ASSAY_WORKERS: 'off' }), logLevel: 'silent' }, { log: createLogger('silent') });
  demo = (await seedDemo(svc))!;
  orderIds = await seedInsights(svc);
  app = createApp(svc);
  demoCookie = await login(demo.user.email, demo.user.password);
});

afterAll(async () => {
  await svc?.outbox.stop();
  await svc?.store.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('/insights on the provider dashboard', () => {
  it('needs a login, and the login returns to the same filtered page and CSV', async () => {
    const page = await get('/insights?job_id=job-a');
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/insights?job_id=job-a')}`);
    const csv = await get('/insights/funnel.csv');
    expect(csv.status).toBe(302);
    expect(csv.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/insights/funnel.csv')}`);
    // A forged or expired cookie is no login.
    expect((await get('/insights', 'assay_session=' + 'x'.repeat(43))).status).toBe(302);
    const form = await (await get('/login?next=' + encodeURIComponent('/insights?job_id=job-a'))).text();
    expect(form).toContain('name="next" value="/insights?job_id=job-a"');
  });

  it('shows the charts as SVG images with tables holding the seeded numbers', async () => {
    const res = await get('/insights', demoCookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<h1>Insights</h1>');
    expect(html).toContain('<link rel="stylesheet" href="/insights/insights.css">');
    expect(table(html, 'Completion funnel')).toEqual(SEEDED.funnel);
    expect(table(html, 'Score distribution').map((r) => r[1])).toEqual(SEEDED.scores);
    expect(table(html, 'Hire rate by score band')).toEqual(SEEDED.outcomes);
    expect(table(html, 'Time to complete').map((r) => r[1])).toEqual(SEEDED.time);
    expect(table(html, 'By job')).toEqual([
      ['Job A', '20', '12', '60%', '55.6'],
      ['Job B', '4', '2', '50%', '64'],
    ]);
    // Four charts, each an image named by its <title> and <desc>, and the band lines on the histogram.
    const svgs = [...html.matchAll(/<svg class="ins-svg" role="img" aria-labelledby="(ins-[a-z_]+)-t \1-d"[^>]*><title id="\1-t">[^<]+<\/title><desc id="\1-d">[^<]+<\/desc>/g)];
    expect(svgs.map((m) => m[1])).toEqual(['ins-funnel', 'ins-scores', 'ins-outcomes', 'ins-time_to_complete']);
    expect(html.match(/class="ins-band"/g)).toHaveLength(3);
    expect(html.match(/class="ins-warn"[^>]*>small sample \(n = \d\)/g)).toHaveLength(4);
    expect([...html.matchAll(/<th scope="col">/g)].length).toBeGreaterThan(20);
    // No personal data: the seed's candidates are nowhere.
    expect(html).not.toMatch(/seed\d+@example\.com|Seed \d/);
    // The CSS serves the chart classes in light and dark.
    const css = await (await get('/insights/insights.css')).text();
    expect(css).toContain('.ins-band{');
    expect(css).toContain('prefers-color-scheme:dark');
  });

  it('filters by package, job and period through the query; bad input is explained on the page', async () => {
    const byPkg = await (await get('/insights?package_id=logical-reasoning&job_id=&from=&to=', demoCookie)).text();
    expect(table(byPkg, 'Completion funnel')).toEqual(SEEDED.logicalReasoning);
    expect(byPkg).toContain('<option value="logical-reasoning" selected>Logical Reasoning</option>');
    // The job list stays complete while a filter is on; CSV links carry the filter.
    expect(byPkg).toContain('<option value="job-a">Job A</option>');
    expect(byPkg).toContain('href="/insights/funnel.csv?package_id=logical-reasoning"');
    const byJob = await (await get('/insights?job_id=job-a', demoCookie)).text();
    expect(table(byJob, 'Completion funnel')[2]).toEqual(['Completed', '12', '60%']);
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const today = await (await get(`/insights?from=${day(0)}&to=${day(0)}`, demoCookie)).text();
    expect(table(today, 'Completion funnel')[0]).toEqual(['Sent', '24', '100%']);
    const future = await (await get(`/insights?from=${day(1)}`, demoCookie)).text();
    expect(future).toContain('No assessments match these filters yet.');
    expect(future).toContain(`value="${day(1)}"`);
    const bad = await get('/insights?from=yesterday', demoCookie);
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toMatch(/<p class="error" role="alert" id="filter-error">From: Use a date like 2026-01-31/);
    expect(badHtml).toContain('aria-describedby="filter-error"');
    const reversed = await get(`/insights?from=${day(1)}&to=${day(-1)}`, demoCookie);
    expect(reversed.status).toBe(400);
    expect(await reversed.text()).toContain('&quot;from&quot; must be before &quot;to&quot;.');
  });

  it('serves the rows behind every chart as CSV with the cookie session', async () => {
    const res = await get('/insights/funnel.csv', demoCookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="assay-funnel.csv"');
    expect(await res.text()).toBe(SEEDED.funnelCsv);
    const outcomes = await (await get('/insights/outcomes.csv?job_id=job-a', demoCookie)).text();
    expect(outcomes.split('\r\n')[3]).toBe('3 - Hire,50,74,3,2,1,0,66.7,20.8,93.9,true');
    for (const chart of ['scores', 'time_to_complete', 'by_package', 'by_job']) {
      const r = await get(`/insights/${chart}.csv`, demoCookie);
      expect(r.status, chart).toBe(200);
      expect(await r.text()).not.toMatch(/@example\.com|Seed/);
    }
    expect((await get('/insights/nope.csv', demoCookie)).status).toBe(404);
    expect((await get('/insights/funnel.csv?from=soon', demoCookie)).status).toBe(400);
  });

  it("another account's user sees only their own account", async () => {
    const { account } = await createAccount(svc, { name: 'Other Co', issuer: 'https://other-insights.example' });
    const hash = await hashPassword('other-password-123');
    await svc.store.transaction((tx) => tx.users.create({ id: newId('usr'), account_id: account.id, email: 'other@insights.test', name: 'Other User', password_hash: hash }));
    const other = await login('other@insights.test', 'other-password-123');
    const html = await (await get('/insights', other)).text();
    expect(html).toContain('No assessments match these filters yet.');
    expect(html).not.toContain('Job A');
    expect(await (await get('/insights/funnel.csv', other)).text()).toBe('stage,count,rate_of_sent_percent\r\nsent,0,\r\nstarted,0,\r\ncompleted,0,\r\n');
    // Asking for the demo account's job by id changes nothing.
    expect(await (await get('/insights/by_job.csv?job_id=job-a', other)).text()).toBe('job_id,job_name,sent,completed,completion_rate_percent,avg_score\r\n');
  });

  it('the report header links to Insights, and Insights links back to that report', async () => {
    const id = orderIds[15]!; // a pending order: its report shows the overview
    const report = await (await get(`/report/${id}`, demoCookie)).text();
    expect(report).toContain(`<a href="/insights?back=${encodeURIComponent(`/report/${id}`)}">Insights</a>`);
    const page = await (await get(`/insights?back=${encodeURIComponent(`/report/${id}`)}`, demoCookie)).text();
    expect(page).toContain(`<a href="/report/${id}">← Back to the report</a>`);
    expect(page).toContain(`<input type="hidden" name="back" value="/report/${id}">`);
    expect(page).toContain('<a href="/insights" aria-current="page">Insights</a>');
    // Only a report path is offered as the way back.
    const evil = await (await get(`/insights?back=${encodeURIComponent('https://evil.example/')}`, demoCookie)).text();
    expect(evil).not.toContain('evil.example');
    expect(evil).not.toContain('Back to the report');
  });
});
