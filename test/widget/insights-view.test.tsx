// @vitest-environment happy-dom
// The Insights markup: charts as named SVG images, a real table behind each, small-sample labels,
// filters, the viewer message, empty and error states, CSV buttons.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, test } from 'vitest';
import { InsightsView } from '../../widget/app/insights/view.tsx';
import { viewProps } from './fake-api.ts';
import { EMPTY, INSIGHTS, insightsApi } from './insights-fixture.ts';

afterEach(cleanup);

const rowsOf = (table: HTMLElement) =>
  [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));

describe('insights view', () => {
  test('every chart is an SVG image named by its title and description, followed by a table with the same numbers', async () => {
    render(<InsightsView {...viewProps(insightsApi(), 'admin').props} />);
    await screen.findByRole('heading', { name: 'Completion funnel' });
    const images = screen.getAllByRole('img');
    expect(images).toHaveLength(4);
    for (const svg of images) {
      const ids = svg.getAttribute('aria-labelledby')!.split(' ');
      expect(ids).toHaveLength(2);
      expect(document.getElementById(ids[0]!)!.tagName.toLowerCase()).toBe('title');
      expect(document.getElementById(ids[1]!)!.tagName.toLowerCase()).toBe('desc');
      expect(document.getElementById(ids[1]!)!.textContent!.length).toBeGreaterThan(20);
      // The table sits right after the chart, in the same section.
      const section = svg.closest('section')!;
      const table = section.querySelector('table')!;
      expect(table.querySelector('caption')!.textContent).toBe(document.getElementById(ids[0]!)!.textContent);
      expect([...table.querySelectorAll('thead th')].every((th) => th.getAttribute('scope') === 'col')).toBe(true);
      expect([...table.querySelectorAll('tbody th')].every((th) => th.getAttribute('scope') === 'row')).toBe(true);
      // Reachable by keyboard: the table's <summary> is focusable, the scroll region too.
      expect(section.querySelector('details > summary')!.textContent).toMatch(/^Table: /);
      expect(table.closest('[role="region"]')!.getAttribute('tabindex')).toBe('0');
    }
    const funnel = screen.getByRole('table', { name: 'Completion funnel' });
    expect(rowsOf(funnel)).toEqual([
      ['Sent', '24', '100%'],
      ['Started', '18', '75%'],
      ['Completed', '14', '58.3%'],
    ]);
    const summary = document.querySelector('.ins-summary')!;
    expect(summary.textContent).toContain('Completion rate58.3%');
  });

  test('the hire-rate chart labels small samples on the chart and in its table, with the interval', async () => {
    render(<InsightsView {...viewProps(insightsApi(), 'recruiter').props} />);
    const table = await screen.findByRole('table', { name: 'Hire rate by score band' });
    const rows = rowsOf(table);
    expect(rows[2]).toEqual(['3 - Hire', '50–74', '3', '2', '1', '0', '66.7%', '20.8%–93.9%', 'small sample (n = 3)']);
    expect(rows[3]!.at(-1)).toBe('n = 20');
    const svg = table.closest('section')!.querySelector('svg')!;
    const warn = [...svg.querySelectorAll('text.ins-warn')].map((t) => t.textContent);
    expect(warn).toEqual(['small sample (n = 3)', 'small sample (n = 1)', 'small sample (n = 3)']);
    expect(svg.querySelectorAll('line.ins-whisker')).toHaveLength(12);
    expect(screen.getByText(/fewer than 10 decisions are labelled “small sample”/)).toBeTruthy();
    // The histogram draws the band lines.
    const hist = screen.getByRole('table', { name: 'Score distribution' }).closest('section')!.querySelector('svg')!;
    expect(hist.querySelectorAll('line.ins-band')).toHaveLength(3);
    // Breakdowns are tables of their own.
    expect(rowsOf(screen.getByRole('table', { name: 'By job' }))).toEqual([
      ['Job A', '20', '12', '60%', '55.6'],
      ['Job B', '4', '2', '50%', '64'],
    ]);
  });

  test('a viewer reads why there are no insights; nothing is fetched', async () => {
    const api = insightsApi();
    render(<InsightsView {...viewProps(api, 'viewer').props} />);
    expect(screen.getByText(/Insights are for recruiters and admins/)).toBeTruthy();
    expect(screen.queryByRole('form')).toBeNull();
    expect(screen.queryByLabelText('Package')).toBeNull();
    await new Promise((r) => setTimeout(r, 10));
    expect(api.calls).toEqual([]);
  });

  test('no orders for the filters is an empty state, the filters stay', async () => {
    render(<InsightsView {...viewProps(insightsApi(EMPTY), 'admin').props} />);
    expect(await screen.findByText('No assessments match these filters yet.')).toBeTruthy();
    expect(screen.queryAllByRole('img')).toHaveLength(0);
    expect(screen.getByLabelText('Package')).toBeTruthy();
  });

  test('an error offers Try again, which loads the charts', async () => {
    const api = insightsApi();
    api.failInsights = 1;
    render(<InsightsView {...viewProps(api, 'admin').props} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Assay is having a moment.');
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await screen.findByRole('table', { name: 'Completion funnel' });
  });

  test('filters: choose a job and a period, Apply; a reversed period is refused with an alert', async () => {
    const api = insightsApi();
    render(<InsightsView {...viewProps(api, 'admin').props} />);
    await screen.findByRole('table', { name: 'Completion funnel' });
    const job = screen.getByLabelText('Job') as HTMLSelectElement;
    expect([...job.options].map((o) => o.textContent)).toEqual(['All', 'Job A', 'Job B']);
    fireEvent.change(job, { target: { value: 'job-b' } });
    fireEvent.input(screen.getByLabelText('From'), { target: { value: '2026-05-01' } });
    fireEvent.input(screen.getByLabelText('To'), { target: { value: '2026-04-01' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply filters' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('“From” must be on or before “To”.');
    expect(screen.getByLabelText('From').getAttribute('aria-invalid')).toBe('true');
    expect(api.filters).toHaveLength(1);
    fireEvent.input(screen.getByLabelText('To'), { target: { value: '2026-06-01' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => expect(api.filters.at(-1)).toEqual({ job_id: 'job-b', from: '2026-05-01', to: '2026-06-01' }));
    await screen.findByRole('table', { name: 'Completion funnel' });
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    await waitFor(() => expect(api.filters.at(-1)).toEqual({}));
    expect((screen.getByLabelText('Job') as HTMLSelectElement).value).toBe('');
  });

  test('each chart has a Download CSV button named after it', async () => {
    const api = insightsApi();
    render(<InsightsView {...viewProps(api, 'admin').props} />);
    await screen.findByRole('table', { name: 'Completion funnel' });
    const buttons = screen.getAllByRole('button', { name: /^Download CSV: / });
    expect(buttons.map((b) => b.getAttribute('aria-label'))).toEqual([
      'Download CSV: Completion funnel',
      'Download CSV: Score distribution',
      'Download CSV: Hire rate by score band',
      'Download CSV: Time to complete',
      'Download CSV: By package',
      'Download CSV: By job',
    ]);
    expect(buttons.every((b) => b.textContent === 'Download CSV')).toBe(true);
    // happy-dom has no object URLs worth saving to; the model's own test covers saving.
    const urls: string[] = [];
    const create = URL.createObjectURL;
    URL.createObjectURL = () => (urls.push('blob:x'), 'blob:x');
    try {
      fireEvent.click(screen.getByRole('button', { name: 'Download CSV: By job' }));
      await waitFor(() => expect(api.csv).toEqual([{ chart: 'by_job', filter: {} }]));
      await waitFor(() => expect(urls).toHaveLength(1));
    } finally {
      URL.createObjectURL = create;
    }
  });
});
