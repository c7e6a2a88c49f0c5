// The Insights model without a DOM: roles, loading, filters, retry, stale answers, CSV, and the chart data.
import { describe, expect, test } from 'vitest';
import { insightsView, type InsightsFilter } from '../../shared/insights-charts.ts';
import { insightsTranslator } from '../../shared/insights-strings.ts';
import { cleanFilter, InsightsModel } from '../../widget/app/insights/model.ts';
import { viewProps } from './fake-api.ts';
import { INSIGHTS, insightsApi } from './insights-fixture.ts';

const make = (role: 'recruiter' | 'admin' | 'viewer' = 'admin', api = insightsApi()) => {
  const saved: { blob: Blob; name: string }[] = [];
  const { props, locale } = viewProps(api, role);
  const model = new InsightsModel({ ...props, save: (blob, name) => void saved.push({ blob, name }) });
  return { model, api, saved, locale };
};

describe('insights model', () => {
  test('a viewer is told insights are for recruiters and admins, and nothing is fetched', async () => {
    const { model, api } = make('viewer');
    await model.start();
    expect(model.phase.value).toBe('forbidden');
    expect(api.calls).toEqual([]);
    expect(model.it('viewer')).toMatch(/for recruiters and admins/);
  });

  test('loads the insights and the packages; the job filter offers the jobs of the rows', async () => {
    const { model, api } = make('recruiter');
    expect(model.phase.value).toBe('loading');
    await model.start();
    expect(model.phase.value).toBe('ready');
    expect(api.calls.sort()).toEqual(['getInsights', 'listPackages']);
    expect(api.filters).toEqual([{}]);
    expect(model.jobs.value).toEqual([
      { id: 'job-a', name: 'Job A' },
      { id: 'job-b', name: 'Job B' },
    ]);
    // The account's packages plus those seen in the rows.
    expect(model.packages.value.map((p) => p.id)).toEqual(expect.arrayContaining(['pkg-cog', 'work-style', 'logical-reasoning']));
    expect(model.announcement.value).toBe('Insights updated: 24 sent.');
  });

  test('applies the form filters (empty ones dropped) and keeps the other jobs on offer', async () => {
    const api = insightsApi((f) => (f.job_id ? { ...INSIGHTS, by_job: INSIGHTS.by_job.filter((j) => j.job_id === f.job_id) } : INSIGHTS));
    const { model } = make('admin', api);
    await model.start();
    model.edit({ job_id: 'job-b', package_id: '', from: '2026-01-01', to: '' });
    expect(api.filters).toHaveLength(1); // editing alone fetches nothing
    await model.apply();
    expect(api.filters.at(-1)).toEqual({ job_id: 'job-b', from: '2026-01-01' });
    expect(model.filter.value).toEqual({ job_id: 'job-b', from: '2026-01-01' });
    expect(model.jobs.value.map((j) => j.id)).toEqual(['job-a', 'job-b']);
    await model.reset();
    expect(api.filters.at(-1)).toEqual({});
    expect(model.draft.value).toEqual({});
  });

  test('a period that ends before it starts is refused in the form, without a request', async () => {
    const { model, api } = make();
    await model.start();
    model.edit({ from: '2026-03-01', to: '2026-02-01' });
    await model.apply();
    expect(model.filterError.value).toBe('“From” must be on or before “To”.');
    expect(api.filters).toHaveLength(1);
    model.edit({ to: '2026-03-01' });
    expect(model.filterError.value).toBe('');
    await model.apply();
    expect(api.filters.at(-1)).toEqual({ from: '2026-03-01', to: '2026-03-01' });
  });

  test('an error shows the server sentence and a retry loads again', async () => {
    const api = insightsApi();
    api.failInsights = 1;
    const { model } = make('admin', api);
    await model.start();
    expect(model.phase.value).toBe('error');
    expect(model.error.value).toBe('Assay is having a moment.');
    await model.load();
    expect(model.phase.value).toBe('ready');
    expect(model.data.value?.funnel[0]?.count).toBe(24);
  });

  test('a slow earlier answer does not overwrite a later filter', async () => {
    let release: () => void = () => undefined;
    const api = insightsApi();
    const real = api.getInsights;
    api.getInsights = async (f: InsightsFilter) => {
      if (!f.package_id) await new Promise<void>((r) => (release = r));
      return real(f);
    };
    const { model } = make('admin', api);
    const first = model.load();
    api.answer = (f) => ({ ...INSIGHTS, funnel: INSIGHTS.funnel.map((s) => ({ ...s, count: f.package_id ? 4 : 24 })) });
    model.edit({ package_id: 'logical-reasoning' });
    await model.apply();
    release();
    await first;
    expect(model.data.value?.funnel[0]?.count).toBe(4);
  });

  test('Download CSV fetches the rows for the filters the charts show and saves assay-<chart>.csv', async () => {
    const { model, api, saved } = make();
    await model.start();
    model.edit({ package_id: 'work-style' });
    await model.apply();
    model.edit({ package_id: 'logical-reasoning' }); // not applied yet
    await model.download('outcomes');
    expect(api.csv).toEqual([{ chart: 'outcomes', filter: { package_id: 'work-style' } }]);
    expect(saved).toHaveLength(1);
    expect(saved[0]!.name).toBe('assay-outcomes.csv');
    expect(await saved[0]!.blob.text()).toContain('sent,24');
    expect(model.announcement.value).toBe('Downloaded assay-outcomes.csv.');
    api.failCsv = true;
    await model.download('funnel');
    expect(model.downloadError.value).toBe('The CSV could not be made.');
    expect(model.downloading.value).toBeNull();
  });

  test('cleanFilter drops blanks and trims', () => {
    expect(cleanFilter({ package_id: ' ', job_id: ' job-a ', from: '', to: '2026-01-02' })).toEqual({ job_id: 'job-a', to: '2026-01-02' });
  });
});

describe('chart data', () => {
  const t = insightsTranslator(() => 'en');
  const view = insightsView(INSIGHTS, t, 'en');
  const chart = (id: string) => view.charts.find((c) => c.id === id)!;

  test('summary and funnel table carry the same numbers as the answer', () => {
    expect(view.summary).toEqual([
      { label: 'Sent', value: '24' },
      { label: 'Completed', value: '14' },
      { label: 'Completion rate', value: '58.3%' },
      { label: 'Median time to complete', value: '8 h' },
    ]);
    expect(chart('funnel').table.rows).toEqual([
      ['Sent', '24', '100%'],
      ['Started', '18', '75%'],
      ['Completed', '14', '58.3%'],
    ]);
    expect(chart('funnel').desc).toBe('24 sent, 18 started (75%), 14 completed (58.3%).');
  });

  test('the histogram draws a dashed line where each band starts, at its score', () => {
    const c = chart('scores');
    const lines = c.shapes.filter((s) => s.k === 'line' && s.c === 'ins-band');
    // The plot runs from x = 40 to 590: score s sits at 40 + s × 5.5.
    expect(lines.map((l) => (l.k === 'line' ? l.x1 : 0))).toEqual([40 + 35 * 5.5, 40 + 50 * 5.5, 40 + 75 * 5.5]);
    expect(c.desc).toContain('Band lines at 35, 50, 75');
    expect(c.table.rows.map((r) => r[1])).toEqual(['1', '1', '0', '2', '2', '1', '1', '2', '2', '2']);
    expect(c.notes[0]).toContain('2 - No Hire 35–49');
  });

  test('hire rates carry the Wilson interval and say "small sample" under n = 10', () => {
    const c = chart('outcomes');
    expect(c.table.rows[2]).toEqual(['3 - Hire', '50–74', '3', '2', '1', '0', '66.7%', '20.8%–93.9%', 'small sample (n = 3)']);
    expect(c.table.rows[3]!.at(-1)).toBe('n = 20');
    const labels = c.shapes.filter((s) => s.k === 'text' && s.c === 'ins-warn').map((s) => (s.k === 'text' ? s.s : ''));
    expect(labels).toEqual(['small sample (n = 3)', 'small sample (n = 1)', 'small sample (n = 3)']);
    expect(c.shapes.filter((s) => s.k === 'rect' && s.c.includes('ins-small'))).toHaveLength(3);
    expect(c.shapes.filter((s) => s.k === 'line' && s.c === 'ins-whisker')).toHaveLength(12);
    expect(c.desc).toContain('3 - Hire: 66.7% (2 of 3 hired, 95 % interval 20.8%–93.9%, small sample (n = 3)).');
  });

  test('a band without decisions draws no bar and says so', () => {
    const d = structuredClone(INSIGHTS);
    d.outcomes[0] = { ...d.outcomes[0]!, hired: 0, rejected: 0, active: 3, decided: 0, hire_rate: null, ci_low: null, ci_high: null };
    const c = insightsView(d, t, 'en').charts.find((x) => x.id === 'outcomes')!;
    expect(c.table.rows[0]!.slice(6)).toEqual(['—', '—', 'small sample (n = 0)']);
    expect(c.shapes.some((s) => s.k === 'text' && s.s === 'no decisions yet')).toBe(true);
  });

  test('time to complete: the six buckets, median and 90th percentile in words', () => {
    const c = chart('time_to_complete');
    expect(c.table.rows).toEqual([
      ['under 1 hour', '1'],
      ['1–4 hours', '3'],
      ['4–24 hours', '4'],
      ['1–3 days', '3'],
      ['3–7 days', '2'],
      ['over 7 days', '1'],
    ]);
    expect(c.notes[0]).toBe('Median 8 h; 90th percentile 3.8 days; started after a median of 18 min.');
  });

  test('Dutch words and number format', () => {
    const nl = insightsView(INSIGHTS, insightsTranslator(() => 'nl'), 'nl');
    expect(nl.summary[2]).toEqual({ label: 'Afrondingspercentage', value: '58,3%' });
    expect(nl.charts[2]!.table.rows[0]!.at(-1)).toBe('kleine steekproef (n = 3)');
    expect(nl.charts[3]!.table.rows[5]![0]).toBe('meer dan 7 dagen');
  });

  test('no orders is the empty state', () => {
    expect(view.empty).toBe(false);
    expect(insightsView({ ...INSIGHTS, funnel: INSIGHTS.funnel.map((f) => ({ ...f, count: 0 })) }, t, 'en').empty).toBe(true);
  });
});
