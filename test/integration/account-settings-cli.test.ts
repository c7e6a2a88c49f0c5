// `npx assay accounts:update` and the dashboard's Settings share one validation and one update
// (server/accounts/settings.ts): the operator sets the plan's features, logo and bands from the CLI, the
// dashboard's /me then shows the features; bad bands are refused by both with the same sentence; the
// dashboard cannot set features. The server and the CLI run as processes over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assay } from '../helpers/cli.ts';
import { countRows } from '../helpers/db.ts';
import { dashboardCookie, startServer, type RunningServer } from '../helpers/server.ts';

let srv: RunningServer;
let cookie: string;

const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${srv.url}/api/dashboard${path}`, { method, headers: { cookie, 'sec-fetch-site': 'same-origin', ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, body: (await r.json()) as any };
};

beforeAll(async () => {
  srv = await startServer();
  cookie = await dashboardCookie(srv);
}, 60_000);
afterAll(async () => {
  await srv?.stop();
});

describe('accounts:update and the dashboard settings', () => {
  it('the operator sets the plan, logo and bands; the dashboard shows them', async () => {
    const env = srv.storeEnv;
    const r = await assay(['accounts:update', '--account', 'demo', '--features', 'greenhouse,recruitee', '--logo-url', 'https://cdn.example.com/logo.png', '--score-band', '0-49:Not yet', '--score-band', '50-100:Ready', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.settings).toMatchObject({ features: ['greenhouse', 'recruitee'], logo_url: 'https://cdn.example.com/logo.png', score_bands: [{ min: 0, max: 49, label: 'Not yet' }, { min: 50, max: 100, label: 'Ready' }] });
    expect((await api('GET', '/me')).body.account.features).toEqual(['greenhouse', 'recruitee']);
    expect((await api('GET', '/settings')).body.settings).toMatchObject({ logo_url: 'https://cdn.example.com/logo.png', features: ['greenhouse', 'recruitee'] });
    const all = await assay(['accounts:update', '--account', 'demo', '--features', 'all', '--json'], env);
    expect(all.json.settings.features).toEqual(['kombo', 'stackone', 'lever', 'greenhouse', 'recruitee']);
  }, 120_000);

  it('a connector outside the plan is shown as not in the plan and cannot be connected from the dashboard', async () => {
    const env = srv.storeEnv;
    expect((await assay(['accounts:update', '--account', 'demo', '--features', 'greenhouse', '--json'], env)).code).toBe(0);
    try {
      const cards = (await api('GET', '/integrations')).body.integrations as Array<{ provider: string; connect: string }>;
      const how = Object.fromEntries(cards.map((c) => [c.provider, c.connect]));
      expect(how).toMatchObject({ greenhouse: 'greenhouse_form', lever: 'not_in_plan', stackone: 'not_in_plan', recruitee: 'not_in_plan', kombo: 'not_in_plan' });
      const lever = await api('POST', '/connections/lever');
      expect(lever.status).toBe(403);
      expect(lever.body.error).toEqual({ code: 'not_in_plan', message: 'Your plan does not include Lever. Ask your assessment provider to add it.' });
      const form = { codename: 'acme-tests', name: 'Acme', description: 'Assessments by Acme.' };
      expect((await api('POST', '/connections/recruitee', form)).body.error?.code).toBe('not_in_plan');
    } finally {
      expect((await assay(['accounts:update', '--account', 'demo', '--features', 'all', '--json'], env)).code).toBe(0);
    }
  }, 120_000);

  it('bad input is refused by both with the same code and sentence; features are the operator’s', async () => {
    const env = srv.storeEnv;
    const cli = await assay(['accounts:update', '--account', 'demo', '--score-band', '0-40:Low', '--score-band', '60-100:High', '--json'], env);
    expect(cli.code).toBe(2);
    const cliError = JSON.parse(cli.stderr).error;
    const web = await api('PUT', '/settings', { score_bands: [{ min: 0, max: 40, label: 'Low' }, { min: 60, max: 100, label: 'High' }] });
    expect(web.status).toBe(400);
    expect(web.body.error).toEqual(cliError);
    expect(cliError).toEqual({ code: 'invalid_score_bands', message: expect.stringMatching(/^Score bands must run from 0 to 100/) });
    const feature = await assay(['accounts:update', '--account', 'demo', '--features', 'lever,workday'], env);
    expect(feature.code).toBe(2);
    expect(feature.stderr).toMatch(/invalid_features: Features are some of kombo, stackone, lever, greenhouse, recruitee/);
    expect(await api('PUT', '/settings', { features: ['lever'] })).toMatchObject({ status: 403, body: { error: { code: 'operator_only' } } });
    const origins = await assay(['accounts:update', '--account', 'demo', '--frame-origin', 'https://ats.example.com/path'], env);
    expect(origins.code).toBe(2);
    expect(origins.stderr).toMatch(/invalid_frame_origins/);
  }, 120_000);

  it('a body that is not an object of settings, or names no setting, is a 400 invalid_settings and writes nothing', async () => {
    const before = { settings: (await api('GET', '/settings')).body.settings, audit: countRows(srv, ['audit_log']).audit_log };
    // As sent by a script, byte for byte: not an object at all, a list included (the body's shape: invalid_body,
    // refused by valid() for every route), and keys that are not settings, some of them names every JavaScript
    // object has (invalid_settings).
    const cases: [string, string][] = [
      ['"Acme"', 'invalid_body'],
      ['null', 'invalid_body'],
      ['[]', 'invalid_body'],
      ['[{"company_name":"Listed"}]', 'invalid_body'],
      ['{"constructor":{"company_name":"Proto"}}', 'invalid_settings'],
      ['{"__proto__":{"company_name":"Proto"}}', 'invalid_settings'],
      ['{"toString":1}', 'invalid_settings'],
      ['{"colour":"red"}', 'invalid_settings'],
    ];
    for (const [raw, code] of cases) {
      const r = await fetch(`${srv.url}/api/dashboard/settings`, { method: 'PUT', headers: { cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, body: raw });
      expect(r.status, raw).toBe(400);
      expect(await r.json(), raw).toEqual({ error: { code, message: expect.stringMatching(/\.$/) } });
    }
    expect((await api('GET', '/settings')).body.settings).toEqual(before.settings);
    expect(countRows(srv, ['audit_log']).audit_log).toBe(before.audit);
  });

  it('/openapi.json describes the Team and Settings endpoints with the dashboard cookie', async () => {
    const doc = (await (await fetch(`${srv.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    for (const [path, method] of [['/api/dashboard/team', 'get'], ['/api/dashboard/team', 'post'], ['/api/dashboard/team/{id}/role', 'put'], ['/api/dashboard/team/{id}/reinvite', 'post'], ['/api/dashboard/team/{id}', 'delete'], ['/api/dashboard/settings', 'get'], ['/api/dashboard/settings', 'put']] as const) {
      expect(doc.paths[path]?.[method]?.security, `${method} ${path}`).toEqual([{ dashboardCookie: [] }]);
    }
  });
});
