// Turns the store's aggregates into what the Insights charts show, with honest small-sample labels.
import { DEFAULT_SCORE_BANDS, type ScoreBand } from '../../shared/score-bands.ts';
import type { InsightsAggregates } from '../store/types.ts';

/** Below this many outcomes a band's hire rate is shown with a "small sample" label. */
export const SMALL_SAMPLE = 10;

/** Wilson score interval (95 %) for k successes out of n. */
export function wilson(k: number, n: number, z = 1.959964): { low: number; high: number } | null {
  if (n === 0) return null;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const round = (x: number | null, d = 1) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);
const rate = (a: number, b: number) => (b === 0 ? null : round((a / b) * 100));

export const TIME_BUCKETS = [
  { label: 'under 1 hour', max: 1 },
  { label: '1–4 hours', max: 4 },
  { label: '4–24 hours', max: 24 },
  { label: '1–3 days', max: 72 },
  { label: '3–7 days', max: 168 },
  { label: 'over 7 days', max: Infinity },
] as const;

export interface Insights {
  funnel: { stage: string; count: number; rate_of_sent: number | null }[];
  statuses: InsightsAggregates['funnel'];
  completion_rate: number | null;
  scores: { bins: { from: number; to: number; count: number }[]; bands: ScoreBand[]; completed: number; median: number | null };
  outcomes: { band: string; min: number; max: number; completed: number; hired: number; rejected: number; active: number; decided: number; hire_rate: number | null; ci_low: number | null; ci_high: number | null; small_sample: boolean }[];
  time_to_start: { median_hours: number | null; p90_hours: number | null; n: number };
  time_to_complete: { median_hours: number | null; p90_hours: number | null; n: number; buckets: { label: string; count: number }[] };
  by_package: { package_id: string; package_name: string; sent: number; completed: number; completion_rate: number | null; avg_score: number | null }[];
  by_job: { job_id: string | null; job_name: string | null; sent: number; completed: number; completion_rate: number | null; avg_score: number | null }[];
}

export function buildInsights(a: InsightsAggregates, bands: readonly ScoreBand[] = DEFAULT_SCORE_BANDS): Insights {
  const f = a.funnel;
  const completedScores = a.scoreBins.reduce((s, n) => s + n, 0);
  // Median score from the deciles is approximate; the exact figure would need every score, which is PII-adjacent.
  let acc = 0;
  let medianBin: number | null = null;
  for (let i = 0; i < 10 && completedScores > 0; i++) {
    acc += a.scoreBins[i]!;
    if (acc >= completedScores / 2) {
      medianBin = i;
      break;
    }
  }
  return {
    funnel: [
      { stage: 'sent', count: f.sent, rate_of_sent: f.sent ? 100 : null },
      { stage: 'started', count: f.started, rate_of_sent: rate(f.started, f.sent) },
      { stage: 'completed', count: f.completed, rate_of_sent: rate(f.completed, f.sent) },
    ],
    statuses: f,
    completion_rate: rate(f.completed, f.sent),
    scores: {
      bins: a.scoreBins.map((count, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 9, count })),
      bands: [...bands],
      completed: completedScores,
      median: medianBin === null ? null : medianBin * 10 + 5,
    },
    outcomes: a.bandOutcomes.map((o) => {
      const band = bands[o.band]!;
      const decided = o.hired + o.rejected;
      const ci = wilson(o.hired, decided);
      return {
        band: band.label,
        min: band.min,
        max: band.max,
        completed: o.hired + o.rejected + o.active,
        hired: o.hired,
        rejected: o.rejected,
        active: o.active,
        decided,
        hire_rate: rate(o.hired, decided),
        ci_low: ci ? round(ci.low * 100) : null,
        ci_high: ci ? round(ci.high * 100) : null,
        small_sample: decided < SMALL_SAMPLE,
      };
    }),
    time_to_start: { median_hours: round(quantile(a.hoursToStart, 0.5)), p90_hours: round(quantile(a.hoursToStart, 0.9)), n: a.hoursToStart.length },
    time_to_complete: {
      median_hours: round(quantile(a.hoursToComplete, 0.5)),
      p90_hours: round(quantile(a.hoursToComplete, 0.9)),
      n: a.hoursToComplete.length,
      buckets: TIME_BUCKETS.map((b, i) => ({ label: b.label, count: a.hoursToComplete.filter((h) => h < b.max && (i === 0 || h >= TIME_BUCKETS[i - 1]!.max)).length })),
    },
    by_package: a.byPackage.map((p) => ({ package_id: p.package_id, package_name: p.package_name, sent: p.sent, completed: p.completed, completion_rate: rate(p.completed, p.sent), avg_score: round(p.avg_score) })),
    by_job: a.byJob.map((j) => ({ job_id: j.job_id, job_name: j.job_name, sent: j.sent, completed: j.completed, completion_rate: rate(j.completed, j.sent), avg_score: round(j.avg_score) })),
  };
}

export const CHARTS = ['funnel', 'scores', 'outcomes', 'time_to_complete', 'by_package', 'by_job'] as const;
export type Chart = (typeof CHARTS)[number];

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Quote when needed, and defuse spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const csv = (header: string[], rows: unknown[][]) => [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';

/** The rows behind one chart, as CSV. */
export function chartCsv(i: Insights, chart: Chart): string {
  switch (chart) {
    case 'funnel':
      return csv(['stage', 'count', 'rate_of_sent_percent'], i.funnel.map((r) => [r.stage, r.count, r.rate_of_sent]));
    case 'scores':
      return csv(['score_from', 'score_to', 'completed'], i.scores.bins.map((b) => [b.from, b.to, b.count]));
    case 'outcomes':
      return csv(['band', 'score_min', 'score_max', 'completed', 'hired', 'rejected', 'active', 'hire_rate_percent', 'ci95_low_percent', 'ci95_high_percent', 'small_sample'], i.outcomes.map((o) => [o.band, o.min, o.max, o.completed, o.hired, o.rejected, o.active, o.hire_rate, o.ci_low, o.ci_high, o.small_sample]));
    case 'time_to_complete':
      return csv(['time_to_complete', 'completed'], i.time_to_complete.buckets.map((b) => [b.label, b.count]));
    case 'by_package':
      return csv(['package_id', 'package_name', 'sent', 'completed', 'completion_rate_percent', 'avg_score'], i.by_package.map((p) => [p.package_id, p.package_name, p.sent, p.completed, p.completion_rate, p.avg_score]));
    case 'by_job':
      return csv(['job_id', 'job_name', 'sent', 'completed', 'completion_rate_percent', 'avg_score'], i.by_job.map((j) => [j.job_id, j.job_name, j.sent, j.completed, j.completion_rate, j.avg_score]));
  }
}
