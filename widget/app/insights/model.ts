// Insights: account-wide charts with filters by package, job and period, and a CSV per chart.
import { computed, createModel, effect, signal } from '@preact/signals';
import { insightsView, type ChartId, type InsightsData, type InsightsFilter } from '../../../shared/insights-charts.ts';
import { insightsTranslator } from '../../../shared/insights-strings.ts';
import { messageOf, type ViewProps } from '../view-props.ts';
import { saveBlob } from './save.ts';
import { onOrdersChanged } from '../shared/orders-channel.ts';

export type InsightsPhase = 'forbidden' | 'loading' | 'ready' | 'error';

export type InsightsDeps = Pick<ViewProps, 'api' | 't' | 'locale' | 'role'> & {
  /** How a downloaded CSV reaches the person; tests pass their own. */
  save?: (blob: Blob, name: string) => void;
};

export interface Option {
  id: string;
  name: string;
}

/** Drops empty fields, so `{ job_id: '' }` means "all jobs". */
export function cleanFilter(f: InsightsFilter): InsightsFilter {
  const out: InsightsFilter = {};
  for (const k of ['package_id', 'job_id', 'from', 'to'] as const) {
    const v = f[k]?.trim();
    if (v) out[k] = v;
  }
  return out;
}

/** Adds options not seen before, keeping the first name for an id, sorted by name. */
function merge(list: Option[], more: Option[]): Option[] {
  const byId = new Map(list.map((o) => [o.id, o]));
  for (const o of more) if (!byId.has(o.id)) byId.set(o.id, o);
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export const InsightsModel = createModel((deps: InsightsDeps) => {
  const it = insightsTranslator(() => deps.locale.value);
  const allowed = deps.role !== 'viewer';
  const phase = signal<InsightsPhase>(allowed ? 'loading' : 'forbidden');
  const data = signal<InsightsData | null>(null);
  const error = signal('');
  /** What the form shows; `filter` is what the charts were drawn with. */
  const draft = signal<InsightsFilter>({});
  const filter = signal<InsightsFilter>({});
  const filterError = signal('');
  const packages = signal<Option[]>([]);
  // Jobs come from the insights rows; remembered across filters so choosing one keeps the others.
  const jobs = signal<Option[]>([]);
  const announcement = signal('');
  const downloading = signal<ChartId | null>(null);
  const downloadError = signal('');
  let seq = 0;

  // An order sent, cancelled or restored in another Assay frame on the page changes the numbers.
  const stopListening = onOrdersChanged(() => void load(true));
  effect(() => () => stopListening());

  const view = computed(() => (data.value ? insightsView(data.value, it, deps.locale.value) : null));

  /** `background`: an order changed elsewhere; redraw without a loading state (no flicker, no jump). */
  const load = async (background = false) => {
    if (!allowed) return;
    const mine = ++seq;
    if (!background || phase.value !== 'ready') phase.value = 'loading';
    try {
      const d = await deps.api.getInsights(filter.value);
      if (mine !== seq) return; // a later filter won
      data.value = d;
      packages.value = merge(packages.value, d.by_package.map((p) => ({ id: p.package_id, name: p.package_name })));
      jobs.value = merge(jobs.value, d.by_job.flatMap((j) => (j.job_id ? [{ id: j.job_id, name: j.job_name || j.job_id }] : [])));
      phase.value = 'ready';
      announcement.value = it('updated', { n: d.funnel.find((f) => f.stage === 'sent')?.count ?? 0 });
    } catch (err) {
      if (mine !== seq) return;
      error.value = messageOf(err, deps.t('offline'));
      phase.value = 'error';
    }
  };

  const loadPackages = async () => {
    try {
      const list = await deps.api.listPackages();
      packages.value = merge(packages.value, list.map((p) => ({ id: p.id, name: p.name })));
    } catch {
      // The filter still offers the packages seen in the insights rows.
    }
  };

  return {
    it,
    phase,
    data,
    view,
    error,
    draft,
    filter,
    filterError,
    packages,
    jobs,
    announcement,
    downloading,
    downloadError,
    load: () => load(),
    start: () => (allowed ? Promise.all([loadPackages(), load()]).then(() => undefined) : Promise.resolve()),
    edit(patch: InsightsFilter) {
      draft.value = { ...draft.value, ...patch };
      filterError.value = '';
    },
    /** Draws the charts for the form's filters; refuses a period that ends before it starts. */
    apply() {
      const f = cleanFilter(draft.value);
      if (f.from && f.to && f.from > f.to) {
        filterError.value = it('filter.order');
        return Promise.resolve();
      }
      filterError.value = '';
      filter.value = f;
      return load();
    },
    reset() {
      draft.value = {};
      filter.value = {};
      filterError.value = '';
      return load();
    },
    /** Fetches the chart's rows for the filters the charts show, and saves them as assay-<chart>.csv. */
    async download(chart: ChartId) {
      downloading.value = chart;
      downloadError.value = '';
      try {
        const blob = await deps.api.insightsCsv(chart, filter.value);
        const name = `assay-${chart}.csv`;
        (deps.save ?? saveBlob)(blob, name);
        announcement.value = it('downloaded', { file: name });
      } catch (err) {
        downloadError.value = messageOf(err, deps.t('offline'));
      } finally {
        downloading.value = null;
      }
    },
  };
});

export type InsightsModel = InstanceType<typeof InsightsModel>;
