// The Lever mappings model against a fake API: who may see it, what it loads, saving per row, and the
// states for no Lever connection, a failing list (with retry) and a refused save.
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../widget/app/api.ts';
import { MappingsModel } from '../../widget/app/mappings/model.ts';
import { mappingsApi, mappingsProps } from './mappings-fixture.ts';

const model = (api = mappingsApi(), role: 'admin' | 'recruiter' | 'viewer' = 'admin') => {
  const p = mappingsProps(api, role);
  return { m: new MappingsModel(p.props), api, events: p.events, locale: p.locale };
};

describe('mappings model', () => {
  test('an admin gets the postings with their current package and the active packages sorted by name', async () => {
    const { m } = model();
    expect(m.phase.value).toBe('loading');
    await m.load();
    expect(m.phase.value).toBe('ready');
    expect(m.postings.value.map((p) => p.text)).toEqual(['Data Analyst', 'Platform Engineer', 'Office Manager']);
    expect(m.packages.value.map((p) => p.name)).toEqual(['Cognitive ability', 'JavaScript coding', 'Personality profile']);
    expect(Object.fromEntries(Object.entries(m.rows.value).map(([k, r]) => [k, r.choice]))).toEqual({ 'post-data': '', 'post-eng': 'pkg-code', 'post-old': 'pkg-gone' });
    // A posting mapped to a package that is no longer active still shows it, marked inactive.
    expect(m.optionsFor(m.postings.value[2]!).at(-1)).toEqual({ id: 'pkg-gone', name: 'Retired test (inactive)' });
    expect(m.optionsFor(m.postings.value[0]!)).toHaveLength(3);
  });

  test.each(['recruiter', 'viewer'] as const)('a %s is told the view is for admins and nothing is fetched', async (role) => {
    const { m, api } = model(mappingsApi(), role);
    await m.load();
    expect(m.phase.value).toBe('forbidden');
    expect(api.calls).toEqual([]);
  });

  test('choosing and saving maps the posting, passes the listed connection, and marks the row saved', async () => {
    const { m, api } = model();
    await m.load();
    m.choose('post-data', 'pkg-cog');
    expect(m.rows.value['post-data']).toMatchObject({ choice: 'pkg-cog', status: 'idle' });
    const saving = m.save('post-data');
    expect(m.rows.value['post-data']!.status).toBe('saving');
    await saving;
    expect(api.puts).toEqual([{ id: 'post-data', pkg: 'pkg-cog', con: 'con_lever0001' }]);
    expect(m.rows.value['post-data']).toMatchObject({ choice: 'pkg-cog', status: 'saved', message: 'Data Analyst now sends Cognitive ability.' });
    expect(m.postings.value[0]!.mapping).toMatchObject({ package_id: 'pkg-cog', package_name: 'Cognitive ability' });
    expect(api.postings[0]!.tags).toEqual(['remote', 'assay:pkg-cog']);
    // Changing the choice again clears the "Saved" mark until the next save.
    m.choose('post-data', '');
    expect(m.rows.value['post-data']!.status).toBe('idle');
    await m.save('post-data');
    expect(api.puts.at(-1)).toEqual({ id: 'post-data', pkg: null, con: 'con_lever0001' });
    expect(m.rows.value['post-data']).toMatchObject({ status: 'saved', message: 'Data Analyst sends no package.' });
    expect(m.postings.value[0]!.mapping).toBeNull();
  });

  test('a second Save while one is running sends nothing more', async () => {
    const { m, api } = model();
    await m.load();
    let release!: () => void;
    api.hold = new Promise((r) => (release = r));
    m.choose('post-eng', 'pkg-pers');
    const first = m.save('post-eng');
    await m.save('post-eng');
    release();
    await first;
    expect(api.puts).toHaveLength(1);
    expect(m.rows.value['post-eng']!.status).toBe('saved');
  });

  test("a refused save keeps the row's choice and shows the server's sentence on that row only", async () => {
    const { m, api, events } = model();
    await m.load();
    api.putError = new ApiError(502, 'lever_unavailable', 'Lever did not complete the request.');
    m.choose('post-eng', 'pkg-pers');
    await m.save('post-eng');
    expect(m.rows.value['post-eng']).toMatchObject({ choice: 'pkg-pers', status: 'error', message: 'Not saved: Lever did not complete the request.' });
    expect(m.rows.value['post-data']!.status).toBe('idle');
    expect(m.postings.value[1]!.mapping!.package_id).toBe('pkg-code');
    expect(events).toEqual([{ type: 'error', payload: { v: 1, code: 'lever_unavailable', message: 'Lever did not complete the request.' } }]);
    await m.save('post-eng');
    expect(m.rows.value['post-eng']!.status).toBe('saved');
  });

  test("the API's lever_not_connected code becomes the no-connection state, role_not_allowed the admin-only state", async () => {
    const a = model();
    a.api.listError = new ApiError(404, 'lever_not_connected', 'This account has no Lever connection.');
    await a.m.load();
    expect(a.m.phase.value).toBe('not_connected');
    const b = model();
    b.api.listError = new ApiError(403, 'role_not_allowed', 'Only an ATS admin can map Lever postings.');
    await b.m.load();
    expect(b.m.phase.value).toBe('forbidden');
  });

  test('a failing list is an error with the sentence; retrying loads it', async () => {
    const { m, api } = model();
    api.listError = new ApiError(502, 'lever_unavailable', 'Lever did not complete the request.');
    await m.load();
    expect(m.phase.value).toBe('error');
    expect(m.error.value).toBe('Lever did not complete the request.');
    await m.load();
    expect(m.phase.value).toBe('ready');
  });

  test('no postings is the empty state; strings follow the locale', async () => {
    const { m, locale } = model(mappingsApi([]));
    await m.load();
    expect(m.empty.value).toBe(true);
    expect(m.mt('empty')).toBe('Lever has no postings for this account yet.');
    locale.value = 'nl-NL';
    expect(m.mt('empty')).toBe('Lever heeft nog geen vacatures voor dit account.');
  });
});
