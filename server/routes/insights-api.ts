import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { DEFAULT_SCORE_BANDS } from '../../shared/score-bands.ts';
import { ApiError } from '../errors.ts';
import { valid } from '../http/validate.ts';
import { raises } from '../http/error-codes.ts';
import { errorResponses } from '../http/openapi.ts';
import { buildInsights, chartCsv, CHARTS, type Chart } from '../insights/compute.ts';
import type { Services } from '../services.ts';
import type { InsightsFilter } from '../store/types.ts';
import { requireSession, type Env } from './widget-api.ts';

const DateParam = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/, 'Use a date like 2026-01-31 or an ISO instant ending in Z.'), v.check((s) => !Number.isNaN(Date.parse(s)), 'Not a real date.'));
export const InsightsQuerySchema = v.strictObject({
  package_id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(100))),
  job_id: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
  from: v.optional(DateParam),
  to: v.optional(DateParam),
});

const num = v.nullable(v.number());
export const InsightsSchema = v.object({
  funnel: v.array(v.object({ stage: v.string(), count: v.number(), rate_of_sent: num })),
  completion_rate: num,
  scores: v.object({ bins: v.array(v.object({ from: v.number(), to: v.number(), count: v.number() })), bands: v.array(v.object({ min: v.number(), max: v.number(), label: v.string() })), completed: v.number(), median: num }),
  outcomes: v.array(v.object({ band: v.string(), min: v.number(), max: v.number(), completed: v.number(), hired: v.number(), rejected: v.number(), active: v.number(), decided: v.number(), hire_rate: num, ci_low: num, ci_high: num, small_sample: v.boolean() })),
  time_to_start: v.object({ median_hours: num, p90_hours: num, n: v.number() }),
  time_to_complete: v.object({ median_hours: num, p90_hours: num, n: v.number(), buckets: v.array(v.object({ label: v.string(), count: v.number() })) }),
  by_package: v.array(v.object({ package_id: v.string(), package_name: v.string(), sent: v.number(), completed: v.number(), completion_rate: num, avg_score: num })),
  by_job: v.array(v.object({ job_id: v.nullable(v.string()), job_name: v.nullable(v.string()), sent: v.number(), completed: v.number(), completion_rate: num, avg_score: num })),
});

/** The query as the store's filter: a bare date in `to` counts the whole day. */
export const toFilter = (q: v.InferOutput<typeof InsightsQuerySchema>): InsightsFilter => {
  const iso = (s: string | undefined, endOfDay: boolean) => {
    if (!s) return undefined;
    if (s.length === 10) return new Date(Date.parse(s) + (endOfDay ? 86_400_000 : 0)).toISOString();
    return new Date(s).toISOString();
  };
  const f: InsightsFilter = { packageId: q.package_id, jobId: q.job_id, from: iso(q.from, false), to: iso(q.to, true) };
  if (f.from && f.to && f.from >= f.to) throw new ApiError(400, 'invalid_query', '"from" must be before "to".');
  return f;
};

/** Computes insights for an account: the one place both the widget API and the provider dashboard use. */
export async function insightsFor(svc: Services, accountId: string, filter: InsightsFilter) {
  const account = await svc.store.accounts.get(accountId);
  const bands = account?.settings.score_bands ?? DEFAULT_SCORE_BANDS;
  return buildInsights(await svc.store.insights.aggregates(accountId, filter, bands), bands);
}

export function insightsApi(svc: Services) {
  const app = new Hono<Env>();
  app.use('*', requireSession(svc));
  app.use(
    '*',
    raises<MiddlewareHandler<Env>>(
      async (c, next) => {
        // Aggregates span the whole account, so a viewer's narrow role does not reach them.
        if (c.get('session').role === 'viewer') throw new ApiError(403, 'role_not_allowed', 'Insights are for recruiters and admins.');
        await next();
      },
      { 403: ['role_not_allowed'] },
    ),
  );
  // toFilter's own refusal; the query's shape, the session and the role come from the middleware above.
  const errors = errorResponses({ 400: ['invalid_query'] });
  const csvFiles = CHARTS.map((c) => `${c}.csv`);

  app.get(
    '/',
    describeRoute({ summary: "Completion, score and outcome insights for the session's account", tags: ['insights'], security: [{ bearerAuth: [] }], responses: { 200: { description: 'Insights', content: { 'application/json': { schema: resolver(InsightsSchema) } } }, ...errors } }),
    valid('query', InsightsQuerySchema),
    async (c) => c.json(await insightsFor(svc, c.get('session').accountId, toFilter(c.req.valid('query')))),
  );

  app.get(
    '/:chart{[a-z_]+\\.csv}',
    describeRoute({
      summary: `The rows behind one chart as CSV (${csvFiles.join(', ')})`,
      tags: ['insights'],
      security: [{ bearerAuth: [] }],
      parameters: [{ name: 'chart', in: 'path', required: true, description: 'The chart, as a file name.', schema: { type: 'string', enum: csvFiles } }],
      // Any other name is 404: unknown_chart for a lower-case name.csv, not_found (no such route) for the rest.
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors, ...errorResponses({ 404: ['unknown_chart', 'not_found'] }) },
    }),
    valid('query', InsightsQuerySchema),
    async (c) => {
      const chart = c.req.param('chart').replace(/\.csv$/, '') as Chart;
      if (!CHARTS.includes(chart)) throw new ApiError(404, 'unknown_chart', `There is no chart "${chart}"; use one of ${CHARTS.join(', ')}.`);
      const i = await insightsFor(svc, c.get('session').accountId, toFilter(c.req.valid('query')));
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="assay-${chart}.csv"`);
      return c.body(chartCsv(i, chart));
    },
  );
  return app;
}
