// Insights as GET /api/insights answers for the seed in test/integration/insights.test.ts, and an
// ApiClient that serves them.
import type { InsightsData, InsightsFilter } from '../../shared/insights-charts.ts';
import { ApiError, type ApiClient } from '../../widget/app/api.ts';
import { fakeApi, type FakeApi } from './fake-api.ts';

export const INSIGHTS: InsightsData = {
  funnel: [
    { stage: 'sent', count: 24, rate_of_sent: 100 },
    { stage: 'started', count: 18, rate_of_sent: 75 },
    { stage: 'completed', count: 14, rate_of_sent: 58.3 },
  ],
  completion_rate: 58.3,
  scores: {
    bins: [1, 1, 0, 2, 2, 1, 1, 2, 2, 2].map((count, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 9, count })),
    bands: [
      { min: 0, max: 34, label: '1 - Strong No Hire' },
      { min: 35, max: 49, label: '2 - No Hire' },
      { min: 50, max: 74, label: '3 - Hire' },
      { min: 75, max: 100, label: '4 - Strong Hire' },
    ],
    completed: 14,
    median: 55,
  },
  outcomes: [
    { band: '1 - Strong No Hire', min: 0, max: 34, completed: 3, hired: 0, rejected: 3, active: 0, decided: 3, hire_rate: 0, ci_low: 0, ci_high: 56.1, small_sample: true },
    { band: '2 - No Hire', min: 35, max: 49, completed: 3, hired: 0, rejected: 1, active: 2, decided: 1, hire_rate: 0, ci_low: 0, ci_high: 79.3, small_sample: true },
    { band: '3 - Hire', min: 50, max: 74, completed: 3, hired: 2, rejected: 1, active: 0, decided: 3, hire_rate: 66.7, ci_low: 20.8, ci_high: 93.9, small_sample: true },
    { band: '4 - Strong Hire', min: 75, max: 100, completed: 25, hired: 12, rejected: 8, active: 5, decided: 20, hire_rate: 60, ci_low: 38.7, ci_high: 78.1, small_sample: false },
  ],
  time_to_start: { median_hours: 0.3, p90_hours: 2.3, n: 18 },
  time_to_complete: {
    median_hours: 8,
    p90_hours: 90,
    n: 14,
    buckets: [
      { label: 'under 1 hour', count: 1 },
      { label: '1–4 hours', count: 3 },
      { label: '4–24 hours', count: 4 },
      { label: '1–3 days', count: 3 },
      { label: '3–7 days', count: 2 },
      { label: 'over 7 days', count: 1 },
    ],
  },
  by_package: [
    { package_id: 'work-style', package_name: 'Work Style', sent: 20, completed: 12, completion_rate: 60, avg_score: 55.6 },
    { package_id: 'logical-reasoning', package_name: 'Logical Reasoning', sent: 4, completed: 2, completion_rate: 50, avg_score: 64 },
  ],
  by_job: [
    { job_id: 'job-a', job_name: 'Job A', sent: 20, completed: 12, completion_rate: 60, avg_score: 55.6 },
    { job_id: 'job-b', job_name: 'Job B', sent: 4, completed: 2, completion_rate: 50, avg_score: 64 },
  ],
};

export const EMPTY: InsightsData = {
  ...INSIGHTS,
  funnel: INSIGHTS.funnel.map((f) => ({ ...f, count: 0, rate_of_sent: null })),
  completion_rate: null,
  by_package: [],
  by_job: [],
};

export interface InsightsApi extends FakeApi {
  filters: InsightsFilter[];
  csv: { chart: string; filter: InsightsFilter }[];
  /** What the next getInsights answers; a function may look at the filter. */
  answer: InsightsData | ((f: InsightsFilter) => InsightsData);
  /** Makes getInsights fail this many more times. */
  failInsights: number;
  failCsv: boolean;
}

export function insightsApi(answer: InsightsApi['answer'] = INSIGHTS): InsightsApi {
  const api = fakeApi() as InsightsApi;
  Object.assign(api, { filters: [], csv: [], answer, failInsights: 0, failCsv: false });
  const client: Pick<ApiClient, 'getInsights' | 'insightsCsv'> = {
    async getInsights(f) {
      api.calls.push('getInsights');
      api.filters.push(f);
      if (api.failInsights > 0) {
        api.failInsights--;
        throw new ApiError(503, 'unavailable', 'Assay is having a moment.');
      }
      return structuredClone(typeof api.answer === 'function' ? api.answer(f) : api.answer);
    },
    async insightsCsv(chart, f) {
      api.csv.push({ chart, filter: f });
      if (api.failCsv) throw new ApiError(500, 'boom', 'The CSV could not be made.');
      return new Blob([`stage,count\r\nsent,24\r\n`], { type: 'text/csv' });
    },
  };
  return Object.assign(api, client);
}
