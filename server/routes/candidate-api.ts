// The JSON API the candidate page calls. The invitation token is the credential: it travels only as
// `Authorization: Bearer <token>`, never in a query string, and only its hash is looked up.
import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { AttemptEnvelopeSchema, SavedSchema, SaveResponseBodySchema, SubmissionSchema } from '../../shared/candidate-api.ts';
import { ATTEMPT_ERRORS, candidateService, hashInvitationToken } from '../candidate/attempt.ts';
import { ApiError } from '../errors.ts';
import { jsonBodyGuard } from '../http/middleware.ts';
import { rateLimit } from '../http/rate-limit.ts';
import { valid } from '../http/validate.ts';
import { raises, mergeErrors } from '../http/error-codes.ts';
import { errorResponses } from '../http/openapi.ts';
import type { Services } from '../services.ts';

type Env = { Variables: { tokenHash: string } };

const json = (schema: v.GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });
/** The attempt's own refusals plus a route's: invitation token, 429 and validation come from the middleware. */
const errors = (extra: Record<number, string[]> = {}) => errorResponses(mergeErrors(ATTEMPT_ERRORS, extra));
// The invitation token is an opaque bearer credential (not a JWT), sent the same way as the widget's.
const invitation = [{ bearerAuth: [] }];

const TOKEN = /^Bearer ([A-Za-z0-9_-]{16,256})$/;
const IdParam = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'Not an id.'));

function requireInvitation(): MiddlewareHandler<Env> {
  const mw: MiddlewareHandler<Env> = async (c, next) => {
    const m = TOKEN.exec(c.req.header('authorization') ?? '');
    if (!m) throw new ApiError(401, 'invitation_missing', 'Send the invitation token from the link as "Authorization: Bearer <token>".');
    c.set('tokenHash', hashInvitationToken(m[1]!));
    await next();
  };
  return raises(mw, { 401: ['invitation_missing'] });
}

export interface CandidateApiOptions {
  /** The clock; tests move it, production uses the real one. */
  now?: () => Date;
}

export function candidateApi(svc: Services, opts: CandidateApiOptions = {}) {
  const api = new Hono<Env>();
  const attempts = candidateService(svc.store, opts.now);
  api.use('*', async (c, next) => {
    await next();
    // Answers and questions are personal and change constantly: never cached anywhere.
    c.header('Cache-Control', 'no-store');
  });
  api.use('*', jsonBodyGuard(16 * 1024));
  api.use('*', requireInvitation());
  // Per link, generous for a fast candidate, tight for a script.
  const perToken = (name: string, limit: number) => rateLimit(svc.store.limits, { name, limit, windowMs: 60_000, key: (c) => String(c.get('tokenHash')) });

  api.get(
    '/attempt',
    describeRoute({
      summary: 'The attempt behind an invitation link: intro data, test states, and the open test with saved responses',
      description: 'Questions are sent only for the test whose timer runs; answer keys never.',
      tags: ['candidate'],
      security: invitation,
      responses: { 200: { description: 'Attempt', content: json(AttemptEnvelopeSchema) }, ...errors() },
    }),
    perToken('candidate-read', 120),
    async (c) => c.json({ attempt: await attempts.get(c.get('tokenHash')) }),
  );

  api.post(
    '/start',
    describeRoute({
      summary: 'Start the assessment (pending → in_progress); repeating it changes nothing',
      tags: ['candidate'],
      security: invitation,
      responses: { 200: { description: 'Attempt', content: json(AttemptEnvelopeSchema) }, ...errors() },
    }),
    perToken('candidate-change', 60),
    async (c) => c.json({ attempt: await attempts.start(c.get('tokenHash')) }),
  );

  api.post(
    '/tests/:testId/start',
    describeRoute({
      summary: "Start one test's timer (the deadline is set by the server, once); closes any other open test",
      tags: ['candidate'],
      security: invitation,
      responses: { 200: { description: 'Attempt', content: json(AttemptEnvelopeSchema) }, ...errors({ 404: ['test_unknown'] }) },
    }),
    valid('param', v.object({ testId: IdParam })), // before the limit: a malformed id is a 400, never a 429
    perToken('candidate-change', 60),
    async (c) => c.json({ attempt: await attempts.startTest(c.get('tokenHash'), c.req.valid('param').testId) }),
  );

  api.post(
    '/tests/:testId/finish',
    describeRoute({
      summary: 'Finish a test before its time is up; its answers can no longer change',
      tags: ['candidate'],
      security: invitation,
      responses: { 200: { description: 'Attempt', content: json(AttemptEnvelopeSchema) }, ...errors({ 404: ['test_unknown'], 409: ['test_not_started'] }) },
    }),
    valid('param', v.object({ testId: IdParam })),
    perToken('candidate-change', 60),
    async (c) => c.json({ attempt: await attempts.finishTest(c.get('tokenHash'), c.req.valid('param').testId) }),
  );

  api.put(
    '/answers/:questionId',
    describeRoute({
      summary: 'Save (or, with null, clear) the response to one question; idempotent',
      description: 'Refused with 409 `deadline_passed` once the test’s deadline (plus a few seconds for latency) has passed, and 409 `test_closed` after the test was finished.',
      tags: ['candidate'],
      security: invitation,
      responses: { 200: { description: 'Saved', content: json(SavedSchema) }, ...errors({ 400: ['invalid_response'], 404: ['question_unknown'], 409: ['test_not_started', 'test_closed', 'deadline_passed'] }) },
    }),
    valid('param', v.object({ questionId: IdParam })), // before the limit: malformed input is a 400, never a 429
    valid('json', SaveResponseBodySchema),
    perToken('candidate-answer', 240),
    async (c) => {
      const saved = await attempts.saveResponse(c.get('tokenHash'), c.req.valid('param').questionId, c.req.valid('json').value);
      return c.json({ saved });
    },
  );

  api.post(
    '/submit',
    describeRoute({
      summary: 'Submit the whole assessment; the server scores it. A second submit returns the first submission',
      tags: ['candidate'],
      security: invitation,
      responses: { 200: { description: 'Submitted', content: json(SubmissionSchema) }, ...errors() },
    }),
    perToken('candidate-change', 60),
    async (c) => {
      const { submission, created } = await attempts.submit(c.get('tokenHash'));
      if (created) svc.outbox.wake();
      return c.json({ submission });
    },
  );

  return api;
}
