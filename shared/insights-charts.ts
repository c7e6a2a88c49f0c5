// What the Insights charts draw, as plain data: SVG shapes in a fixed coordinate box, a title and
// description for screen readers, and the table with the same numbers. The widget renders it with
// Preact and the provider dashboard as an HTML string, so both show identical charts without a chart
// library. Imported only by the widget's insights chunk and by the server.
import type { ScoreBand } from './score-bands.ts';
import type { InsightsTranslate } from './insights-strings.ts';

/** GET /api/insights (server/insights/compute.ts builds it). */
export interface InsightsData {
  funnel: { stage: string; count: number; rate_of_sent: number | null }[];
  completion_rate: number | null;
  scores: { bins: { from: number; to: number; count: number }[]; bands: ScoreBand[]; completed: number; median: number | null };
  outcomes: {
    band: string;
    min: number;
    max: number;
    completed: number;
    hired: number;
    rejected: number;
    active: number;
    decided: number;
    hire_rate: number | null;
    ci_low: number | null;
    ci_high: number | null;
    small_sample: boolean;
  }[];
  time_to_start: { median_hours: number | null; p90_hours: number | null; n: number };
  time_to_complete: { median_hours: number | null; p90_hours: number | null; n: number; buckets: { label: string; count: number }[] };
  by_package: { package_id: string; package_name: string; sent: number; completed: number; completion_rate: number | null; avg_score: number | null }[];
  by_job: { job_id: string | null; job_name: string | null; sent: number; completed: number; completion_rate: number | null; avg_score: number | null }[];
}

/** The query of GET /api/insights; dates are `YYYY-MM-DD`, `to` inclusive. */
export interface InsightsFilter {
  package_id?: string;
  job_id?: string;
  from?: string;
  to?: string;
}

export type ChartId = 'funnel' | 'scores' | 'outcomes' | 'time_to_complete' | 'by_package' | 'by_job';

/** `?package_id=…&from=…` with the empty fields left out ('' when there is no filter). */
export function insightsQuery(f: InsightsFilter): string {
  const q = new URLSearchParams();
  for (const k of ['package_id', 'job_id', 'from', 'to'] as const) if (f[k]) q.set(k, f[k]!);
  const s = q.toString();
  return s ? '?' + s : '';
}

/** Shapes in the chart's own coordinates; `c` is the CSS class that colours it (ins-*). */
export type Shape =
  | { k: 'rect'; x: number; y: number; w: number; h: number; c: string }
  | { k: 'line'; x1: number; y1: number; x2: number; y2: number; c: string }
  | { k: 'text'; x: number; y: number; s: string; c: string; a?: 'start' | 'middle' | 'end' };

/** A data table: each row's first cell is its row header. */
export interface Table {
  caption: string;
  head: string[];
  rows: string[][];
}

export interface ChartView {
  id: ChartId;
  title: string;
  /** One or two sentences with the chart's numbers, for the SVG's <desc>. */
  desc: string;
  w: number;
  h: number;
  shapes: Shape[];
  table: Table;
  /** Visible sentences under the chart (band list, small-sample rule, medians). */
  notes: string[];
}

export interface InsightsView {
  empty: boolean;
  summary: { label: string; value: string }[];
  charts: ChartView[];
  breakdowns: { id: ChartId; title: string; table: Table }[];
}

const W = 600;
const r1 = (x: number) => Math.round(x * 10) / 10;

/** Gridlines for a count axis: 0, the middle when it is a whole number, the top. */
function countTicks(max: number): number[] {
  const mid = max / 2;
  return [...new Set([0, Number.isInteger(mid) ? mid : Math.ceil(mid), max])].filter((v) => v <= max);
}

function yAxis(shapes: Shape[], ticks: number[], max: number, left: number, right: number, top: number, bottom: number, label: (v: number) => string) {
  for (const v of ticks) {
    const y = r1(bottom - (v / max) * (bottom - top));
    shapes.push({ k: 'line', x1: left, y1: y, x2: right, y2: y, c: v === 0 ? 'ins-axis' : 'ins-grid' });
    shapes.push({ k: 'text', x: left - 6, y: y + 4, s: label(v), c: 'ins-tick', a: 'end' });
  }
}

export function insightsView(d: InsightsData, t: InsightsTranslate, locale: string): InsightsView {
  const nf = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const num = (n: number) => nf.format(n);
  const pct = (n: number | null) => (n === null ? t('none') : `${num(n)}%`);
  const hours = (h: number | null) =>
    h === null ? t('none') : h < 1 ? t('time.min', { n: Math.round(h * 60) }) : h < 48 ? t('time.hours', { n: num(h) }) : t('time.days', { n: num(Math.round((h / 24) * 10) / 10) });
  const stage = (s: string) => (s === 'sent' || s === 'started' || s === 'completed' ? t(`stage.${s}`) : s);
  const count = (s: string) => d.funnel.find((f) => f.stage === s);

  // Funnel: one horizontal bar per stage.
  const funnel = ((): ChartView => {
    const title = t('funnel.title');
    const rowH = 32;
    const left = 110;
    const barMax = 360;
    const max = Math.max(1, ...d.funnel.map((f) => f.count));
    const shapes: Shape[] = [];
    d.funnel.forEach((f, i) => {
      const y = 4 + i * rowH;
      const w = f.count ? Math.max(2, r1((f.count / max) * barMax)) : 0;
      shapes.push({ k: 'text', x: left - 8, y: y + rowH / 2 + 4, s: stage(f.stage), c: 'ins-label', a: 'end' });
      shapes.push({ k: 'rect', x: left, y: y + 4, w, h: rowH - 8, c: 'ins-bar' });
      shapes.push({ k: 'text', x: left + w + 6, y: y + rowH / 2 + 4, s: `${num(f.count)} (${pct(f.rate_of_sent)})`, c: 'ins-value' });
    });
    const s = count('started');
    const c = count('completed');
    return {
      id: 'funnel',
      title,
      desc: t('funnel.desc', { sent: num(count('sent')?.count ?? 0), started: num(s?.count ?? 0), startedPct: pct(s?.rate_of_sent ?? null), completed: num(c?.count ?? 0), completedPct: pct(c?.rate_of_sent ?? null) }),
      w: W,
      h: d.funnel.length * rowH + 8,
      shapes,
      table: { caption: title, head: [t('funnel.stage'), t('funnel.count'), t('funnel.share')], rows: d.funnel.map((f) => [stage(f.stage), num(f.count), pct(f.rate_of_sent)]) },
      notes: [],
    };
  })();

  // Score histogram in deciles, with a dashed line where each band starts and the band names above.
  const scores = ((): ChartView => {
    const title = t('scores.title');
    const [left, right, top, bottom] = [40, 590, 34, 210];
    const plotW = right - left;
    const bins = d.scores.bins;
    const max = Math.max(1, ...bins.map((b) => b.count));
    const slot = plotW / Math.max(1, bins.length);
    const x = (score: number) => r1(left + (score / 100) * plotW);
    const shapes: Shape[] = [];
    yAxis(shapes, countTicks(max), max, left, right, top, bottom, num);
    bins.forEach((b, i) => {
      const h = r1((b.count / max) * (bottom - top));
      const bx = r1(left + i * slot + 3);
      shapes.push({ k: 'rect', x: bx, y: r1(bottom - h), w: r1(slot - 6), h, c: 'ins-bar' });
      if (b.count) shapes.push({ k: 'text', x: r1(bx + (slot - 6) / 2), y: r1(bottom - h - 4), s: num(b.count), c: 'ins-value', a: 'middle' });
    });
    for (let v = 0; v <= 100; v += 10) shapes.push({ k: 'text', x: x(v), y: bottom + 16, s: String(v), c: 'ins-tick', a: 'middle' });
    for (const band of d.scores.bands) {
      if (band.min > 0) shapes.push({ k: 'line', x1: x(band.min), y1: top - 12, x2: x(band.min), y2: bottom, c: 'ins-band' });
      const span = ((Math.min(100, band.max + 1) - band.min) / 100) * plotW;
      // A name that does not fit its band's width is shortened to its first word ("2 - No Hire" → "2").
      const name = band.label.length * 6.2 < span - 4 ? band.label : (band.label.split(' ')[0] ?? '');
      shapes.push({ k: 'text', x: x((band.min + Math.min(100, band.max + 1)) / 2), y: 14, s: name, c: 'ins-band-label', a: 'middle' });
    }
    const lines = d.scores.bands.filter((b) => b.min > 0).map((b) => String(b.min));
    const bandList = d.scores.bands.map((b) => `${b.label} ${b.min}–${b.max}`).join('; ');
    return {
      id: 'scores',
      title,
      desc: t('scores.desc', { n: num(d.scores.completed), lines: lines.join(', ') || t('none'), median: d.scores.median === null ? t('none') : num(d.scores.median) }),
      w: W,
      h: bottom + 26,
      shapes,
      table: { caption: title, head: [t('scores.range'), t('scores.count')], rows: bins.map((b) => [`${b.from}–${b.to}`, num(b.count)]) },
      notes: [t('scores.bands', { list: bandList })],
    };
  })();

  // Hire rate per band: a bar, the Wilson interval as a whisker, and the sample size under every band.
  const outcomes = ((): ChartView => {
    const title = t('outcomes.title');
    const [left, right, top, bottom] = [44, 590, 20, 176];
    const n = Math.max(1, d.outcomes.length);
    const slot = (right - left) / n;
    const y = (rate: number) => r1(bottom - (rate / 100) * (bottom - top));
    const shapes: Shape[] = [];
    yAxis(shapes, [0, 25, 50, 75, 100], 100, left, right, top, bottom, (v) => `${v}%`);
    const sample = (o: InsightsData['outcomes'][number]) => (o.small_sample ? t('outcomes.small', { n: o.decided }) : t('outcomes.enough', { n: o.decided }));
    d.outcomes.forEach((o, i) => {
      const cx = r1(left + (i + 0.5) * slot);
      const bw = r1(Math.min(70, slot * 0.5));
      if (o.hire_rate !== null) {
        shapes.push({ k: 'rect', x: r1(cx - bw / 2), y: y(o.hire_rate), w: bw, h: r1(bottom - y(o.hire_rate)), c: o.small_sample ? 'ins-bar ins-small' : 'ins-bar' });
        const lo = y(o.ci_low ?? o.hire_rate);
        const hi = y(o.ci_high ?? o.hire_rate);
        shapes.push({ k: 'line', x1: cx, y1: lo, x2: cx, y2: hi, c: 'ins-whisker' });
        shapes.push({ k: 'line', x1: cx - 8, y1: lo, x2: cx + 8, y2: lo, c: 'ins-whisker' });
        shapes.push({ k: 'line', x1: cx - 8, y1: hi, x2: cx + 8, y2: hi, c: 'ins-whisker' });
        shapes.push({ k: 'text', x: r1(cx + bw / 2 + 4), y: r1(y(o.hire_rate) + (o.hire_rate > 90 ? 14 : -4)), s: pct(o.hire_rate), c: 'ins-value' });
      } else {
        shapes.push({ k: 'text', x: cx, y: bottom - 8, s: t('outcomes.noDecision'), c: 'ins-muted', a: 'middle' });
      }
      shapes.push({ k: 'text', x: cx, y: bottom + 16, s: o.band, c: 'ins-label', a: 'middle' });
      shapes.push({ k: 'text', x: cx, y: bottom + 32, s: t('outcomes.of', { k: num(o.hired), n: num(o.decided) }), c: 'ins-muted', a: 'middle' });
      shapes.push({ k: 'text', x: cx, y: bottom + 48, s: sample(o), c: o.small_sample ? 'ins-warn' : 'ins-muted', a: 'middle' });
    });
    const ci = (o: InsightsData['outcomes'][number]) => (o.ci_low === null || o.ci_high === null ? t('none') : `${pct(o.ci_low)}–${pct(o.ci_high)}`);
    const list = d.outcomes
      .map((o) => `${o.band}: ${pct(o.hire_rate)} (${t('outcomes.of', { k: num(o.hired), n: num(o.decided) })}, ${t('outcomes.ci')} ${ci(o)}${o.small_sample ? `, ${sample(o)}` : ''}).`)
      .join(' ');
    return {
      id: 'outcomes',
      title,
      desc: t('outcomes.desc', { list }),
      w: W,
      h: bottom + 58,
      shapes,
      table: {
        caption: title,
        head: [t('outcomes.band'), t('outcomes.scores'), t('outcomes.completed'), t('outcomes.hired'), t('outcomes.rejected'), t('outcomes.active'), t('outcomes.rate'), t('outcomes.ci'), t('outcomes.sample')],
        rows: d.outcomes.map((o) => [o.band, `${o.min}–${o.max}`, num(o.completed), num(o.hired), num(o.rejected), num(o.active), pct(o.hire_rate), ci(o), sample(o)]),
      },
      notes: [t('outcomes.note')],
    };
  })();

  // Time from invitation to completion, in the server's six buckets.
  const time = ((): ChartView => {
    const title = t('time.title');
    const tc = d.time_to_complete;
    const [left, right, top, bottom] = [40, 590, 20, 180];
    const max = Math.max(1, ...tc.buckets.map((b) => b.count));
    const slot = (right - left) / Math.max(1, tc.buckets.length);
    const label = (b: { label: string }, i: number) => (tc.buckets.length === 6 ? t(`time.b${i}` as 'time.b0') : b.label);
    const shapes: Shape[] = [];
    yAxis(shapes, countTicks(max), max, left, right, top, bottom, num);
    tc.buckets.forEach((b, i) => {
      const h = r1((b.count / max) * (bottom - top));
      const bx = r1(left + i * slot + 8);
      const cx = r1(left + (i + 0.5) * slot);
      shapes.push({ k: 'rect', x: bx, y: r1(bottom - h), w: r1(slot - 16), h, c: 'ins-bar' });
      if (b.count) shapes.push({ k: 'text', x: cx, y: r1(bottom - h - 4), s: num(b.count), c: 'ins-value', a: 'middle' });
      shapes.push({ k: 'text', x: cx, y: bottom + 16, s: label(b, i), c: 'ins-tick', a: 'middle' });
    });
    return {
      id: 'time_to_complete',
      title,
      desc: t('time.desc', { n: num(tc.n), median: hours(tc.median_hours), p90: hours(tc.p90_hours) }),
      w: W,
      h: bottom + 26,
      shapes,
      table: { caption: title, head: [t('time.bucket'), t('time.count')], rows: tc.buckets.map((b, i) => [label(b, i), num(b.count)]) },
      notes: [t('time.summary', { median: hours(tc.median_hours), p90: hours(tc.p90_hours), start: hours(d.time_to_start.median_hours) })],
    };
  })();

  const avg = (n: number | null) => (n === null ? t('none') : num(n));
  const byHead = [t('by.sent'), t('by.completed'), t('by.rate'), t('by.avg')];
  const sent = count('sent')?.count ?? 0;
  return {
    empty: sent === 0,
    summary: [
      { label: t('sum.sent'), value: num(sent) },
      { label: t('sum.completed'), value: num(count('completed')?.count ?? 0) },
      { label: t('sum.rate'), value: pct(d.completion_rate) },
      { label: t('sum.median'), value: hours(d.time_to_complete.median_hours) },
    ],
    charts: [funnel, scores, outcomes, time],
    breakdowns: [
      {
        id: 'by_package',
        title: t('by_package.title'),
        table: { caption: t('by_package.title'), head: [t('by_package.name'), ...byHead], rows: d.by_package.map((p) => [p.package_name, num(p.sent), num(p.completed), pct(p.completion_rate), avg(p.avg_score)]) },
      },
      {
        id: 'by_job',
        title: t('by_job.title'),
        table: { caption: t('by_job.title'), head: [t('by_job.name'), ...byHead], rows: d.by_job.map((j) => [j.job_name ?? j.job_id ?? t('noJob'), num(j.sent), num(j.completed), pct(j.completion_rate), avg(j.avg_score)]) },
      },
    ],
  };
}

/** The styles of the chart shapes, written against a page's colour variables (widget and dashboard differ). */
export function chartCss(v: { fg: string; muted: string; border: string; accent: string; surface: string; warn: string }): string {
  return `.ins-svg{display:block;width:100%;height:auto;max-width:600px;overflow:visible}
.ins-svg text{font-size:12px;fill:${v.fg}}
.ins-svg .ins-tick,.ins-svg .ins-muted{font-size:11px;fill:${v.muted}}
.ins-svg .ins-warn{font-size:11px;font-weight:600;fill:${v.warn}}
.ins-svg .ins-band-label{font-size:11px;fill:${v.warn}}
.ins-svg .ins-value{font-weight:600}
.ins-bar{fill:${v.accent}}
.ins-small{fill:${v.surface};stroke:${v.accent};stroke-width:2;stroke-dasharray:5 3}
.ins-axis{stroke:${v.muted};stroke-width:1}
.ins-grid{stroke:${v.border};stroke-width:1;stroke-opacity:.45}
.ins-band{stroke:${v.warn};stroke-width:1.5;stroke-dasharray:5 4}
.ins-whisker{stroke:${v.fg};stroke-width:2}`;
}
