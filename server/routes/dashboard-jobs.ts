// The dashboard API's Jobs and assessments (mounted by dashboardApi under /api/dashboard, behind its login,
// same-origin and admin-for-writes middleware): list, create, Publish, Unpublish. The work is in
// server/dashboard/jobs.ts.
import type { Context, Hono } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { createAssessments, EXTRA_TIME_CHOICES, listJobs, setPublished } from '../dashboard/jobs.ts';
import { errorResponses as errors } from '../http/openapi.ts';
import { valid } from '../http/validate.ts';
import type { Services } from '../services.ts';
import type { UserRow } from '../store/types.ts';

type Env = { Variables: { user: UserRow } };
const json = (schema: v.GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });
const cookie = [{ dashboardCookie: [] }];
const actor = (c: Context<Env>) => `user:${c.get('user').id}`;

const AssessmentSchema = v.object({
  id: v.string(),
  name: v.pipe(v.string(), v.description('What the ATS shows: "<job> — <package>".')),
  package: v.object({ id: v.string(), name: v.string(), active: v.boolean() }),
  invitation_days: v.number(),
  extra_time_percent: v.number(),
  status: v.picklist(['draft', 'published', 'unpublished']),
  published_at: v.nullable(v.string()),
  created_at: v.string(),
});
const JobSchema = v.object({
  key: v.string(),
  id: v.nullable(v.string()),
  name: v.string(),
  source: v.nullable(v.object({ connection_id: v.string(), provider: v.string() })),
  assessments: v.array(AssessmentSchema),
});
const JobsSchema = v.object({
  jobs: v.array(JobSchema),
  ats_jobs: v.array(v.object({ connection_id: v.string(), provider: v.string(), id: v.string(), name: v.string() })),
  packages: v.array(v.object({ id: v.string(), name: v.string() })),
  defaults: v.object({ invitation_days: v.number(), extra_time_percent: v.number() }),
});
const Text = (max: number, what: string) => v.pipe(v.string(), v.trim(), v.minLength(1, `${what} cannot be empty.`), v.maxLength(max, `${what} is at most ${max} characters.`));
export const NewAssessmentSchema = v.strictObject({
  connection_id: v.optional(v.pipe(v.string(), v.regex(/^con_[0-9a-z]{4,40}$/, 'Not a connection id.'))),
  job_id: v.optional(Text(200, 'The job id')),
  job_name: v.optional(Text(200, 'The job title')),
  package_ids: v.pipe(v.array(Text(100, 'A package id')), v.minLength(1, 'Pick at least one assessment package.'), v.maxLength(20, 'At most 20 packages at once.')),
  invitation_days: v.optional(v.pipe(v.number('Invitation validity is a number of days.'), v.integer('Invitation validity is a whole number of days.'), v.minValue(1, 'Invitations are valid for at least 1 day.'), v.maxValue(90, 'Invitations are valid for at most 90 days.'))),
  extra_time_percent: v.optional(v.picklist(EXTRA_TIME_CHOICES, `Extra time is one of ${EXTRA_TIME_CHOICES.join(', ')} percent.`)),
});
const AssessmentParam = v.object({ id: v.pipe(v.string(), v.regex(/^asm_[0-9a-z]{8,40}$/, 'Not an assessment id.')) });

export function jobRoutes(api: Hono<Env>, svc: Services): void {
  api.get(
    '/jobs',
    describeRoute({
      summary: 'Jobs (synced from the connected ATSs or typed in) with their assessments, and the choices for Create',
      tags: ['dashboard'],
      security: cookie,
      responses: { 200: { description: 'Jobs', content: json(JobsSchema) }, ...errors({}) },
    }),
    async (c) => c.json(await listJobs(svc, c.get('user').account_id)),
  );

  api.post(
    '/assessments',
    describeRoute({
      summary: 'Create assessments for a job: one draft per chosen package, with the invitation validity and extra-time defaults',
      description: 'The job is either an ATS job (`connection_id` and `job_id` of a synced job) or typed in (`job_name`).',
      tags: ['dashboard'],
      security: cookie,
      responses: { 201: { description: 'Created', content: json(v.object({ assessments: v.array(AssessmentSchema) })) }, ...errors({ 400: ['invalid_job', 'invalid_packages'], 404: ['not_found', 'job_unknown', 'package_unknown'], 409: ['package_inactive'] }) },
    }),
    valid('json', NewAssessmentSchema),
    async (c) => c.json({ assessments: await createAssessments(svc, c.get('user').account_id, c.req.valid('json'), actor(c)) }, 201),
  );

  for (const [action, publish] of [['publish', true], ['unpublish', false]] as const) {
    api.post(
      `/assessments/:id/${action}`,
      describeRoute({
        summary: publish
          ? 'Publish: the assessment becomes orderable from every connected ATS, named "<job> — <package>", id asm_…'
          : 'Unpublish: the assessment is withdrawn from every ATS; new orders for it are refused',
        tags: ['dashboard'],
        security: cookie,
        responses: { 200: { description: 'Assessment', content: json(v.object({ assessment: AssessmentSchema })) }, ...errors({
          404: ['not_found', 'posting_unknown'],
          409: ['package_inactive', 'connection_pending', 'connection_revoked'],
          // Lever's refusal of the posting's mapping (server/connectors/lever/sync.ts), passed on.
          422: ['package_unknown', 'package_inactive', 'assessment_unpublished'],
          502: ['lever_unavailable'],
        }) },
      }),
      valid('param', AssessmentParam),
      async (c) => c.json({ assessment: await setPublished(svc, c.get('user').account_id, c.req.valid('param').id, publish, actor(c)) }),
    );
  }
}
