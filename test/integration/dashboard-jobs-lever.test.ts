// Dashboard Jobs with Lever (simulator over real HTTP): publishing an assessment for a Lever posting tags the
// posting for it through the same mapPosting as `assay lever:map`, keeping Lever's other tags; a candidate
// moved to the trigger stage is then ordered the assessment's package with its invitation validity and extra
// time; Unpublish removes the tag and the mapping, so the next move orders nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../helpers/db.ts';
import { DEFAULT_IDS } from '../simulators/lever/index.ts';
import { startLever, until, type LeverWorld } from './lever-helpers.ts';

let w: LeverWorld;
let dash: string;

async function dashboardCookie(): Promise<string> {
  const login = await fetch(`${w.server.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: w.server.demo.user.email, password: w.server.demo.user.password }).toString(),
  });
  expect(login.status).toBe(303);
  const session = /assay_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1]!;
  const page = await fetch(`${w.server.url}/dashboard/jobs`, { headers: { cookie: `assay_session=${session}` } });
  expect(page.status).toBe(200);
  return `assay_dash=${/assay_dash=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]}`;
}
const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
  const r = await fetch(`${w.server.url}/api/dashboard${path}`, {
    method,
    headers: { cookie: dash, origin: w.server.url, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
};

beforeAll(async () => {
  w = await startLever();
  dash = await dashboardCookie();
}, 120_000);
afterAll(async () => w?.stop());

let seq = 0;
const moveNewCandidate = () => {
  const opp = w.sim.seed({ opportunities: [{ name: `Grace Hopper ${++seq}`, emails: [`jobs${seq}@example.com`], posting: DEFAULT_IDS.posting, stage: 'lead-new' }] }).opportunities![0]!;
  w.sim.moveToStage(opp, 'Assay Assessment');
  return opp;
};

describe('dashboard Jobs with a Lever posting', () => {
  it('publish tags the posting, orders carry the defaults; unpublish untags it', async () => {
    // The operator mapped the posting once (`assay lever:map`): Lever's postings are then known to the dashboard.
    const mapped = await w.cli(['lever:map', w.connectionId, '--posting', DEFAULT_IDS.posting, '--package', 'logical-reasoning']);
    expect(mapped.code, mapped.stderr).toBe(0);
    const jobs = await call('GET', '/jobs');
    expect(jobs.body.ats_jobs).toContainEqual({ connection_id: w.connectionId, provider: 'lever', id: DEFAULT_IDS.posting, name: 'Data Analyst' });

    const created = await call('POST', '/assessments', { connection_id: w.connectionId, job_id: DEFAULT_IDS.posting, package_ids: ['numerical-reasoning'], invitation_days: 4, extra_time_percent: 100 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const asm = created.body.assessments[0].id as string;
    const published = await call('POST', `/assessments/${asm}/publish`);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    // Our tag for the assessment replaces our tag for the package mapped before; Lever's own tag stays.
    expect(w.sim.postingTags(DEFAULT_IDS.posting)).toEqual(['assay:numerical-30', `assay:${asm}`]);

    const opp = moveNewCandidate();
    const [order] = await until(
      () => query<{ package_id: string; extra_time_percent: number; invited_at: string; expires_at: string; meta: string }>(w.server, "SELECT package_id, extra_time_percent, invited_at, expires_at, meta FROM orders WHERE source = 'lever' AND application_id = ?", opp),
      (rows) => rows.length === 1,
      15_000,
      'the Lever order',
    );
    expect(order).toMatchObject({ package_id: 'numerical-reasoning', extra_time_percent: 100 });
    expect(Date.parse(order!.expires_at) - Date.parse(order!.invited_at)).toBe(4 * 86_400_000);
    expect(JSON.parse(order!.meta).assessment_id).toBe(asm);

    const un = await call('POST', `/assessments/${asm}/unpublish`);
    expect(un.body.assessment.status).toBe('unpublished');
    expect(w.sim.postingTags(DEFAULT_IDS.posting)).toEqual(['assay:numerical-30']);
    const list = await w.cli(['lever:postings', w.connectionId]);
    expect(list.json.postings.find((p: { id: string }) => p.id === DEFAULT_IDS.posting).mapping).toBeNull();
  }, 120_000);
});
