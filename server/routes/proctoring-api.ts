// POST /api/candidate/proctoring: what the candidate's page noticed during a test (left the window,
// pasted, time per question). The invitation token is the credential, as for the rest of the candidate API.
import { Hono, type MiddlewareHandler } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import * as v from 'valibot';
import { ProctoringBatchSchema, ProctoringStoredSchema } from '../../shared/result/proctoring.ts';
import { hashInvitationToken } from '../candidate/attempt.ts';
import { ApiError } from '../errors.ts';
import { jsonBodyGuard } from '../http/middleware.ts';
import { rateLimit } from '../http/rate-limit.ts';
import { valid } from '../http/validate.ts';
import { raises } from '../http/error-codes.ts';
import { errorResponses } from '../http/openapi.ts';
import { recordProctoring } from '../proctoring/record.ts';
import type { Services } from '../services.ts';

const TOKEN = /^Bearer ([A-Za-z0-9_-]{16,256})$/;
const json = (schema: v.GenericSchema) => ({ 'application/json': { schema: resolver(schema) } });

export function proctoringApi(svc: Services, opts: { now?: () => Date } = {}) {
  const api = new Hono<{ Variables: { tokenHash: string } }>();
  const now = opts.now ?? (() => new Date());
  api.post(
    '/',
    describeRoute({
      summary: 'Record what the page noticed during a test: left the window (with duration), a paste into an answer, time per question',
      description: 'Never answer text or anything about the device. At most 50 events per request and 500 per attempt: beyond that 409 `proctoring_limit_reached`; outside a running attempt 409 `attempt_not_open`.',
      tags: ['candidate'],
      security: [{ bearerAuth: [] }],
      responses: { 200: { description: 'Stored', content: json(ProctoringStoredSchema) }, ...errorResponses({ 400: ['question_unknown'], 404: ['invitation_unknown'], 409: ['attempt_not_open', 'proctoring_limit_reached'] }) },
    }),
    jsonBodyGuard(8 * 1024),
    raises<MiddlewareHandler<{ Variables: { tokenHash: string } }>>(
      async (c, next) => {
        const m = TOKEN.exec(c.req.header('authorization') ?? '');
        if (!m) throw new ApiError(401, 'invitation_missing', 'Send the invitation token from the link as "Authorization: Bearer <token>".');
        c.set('tokenHash', hashInvitationToken(m[1]!));
        c.header('Cache-Control', 'no-store');
        await next();
      },
      { 401: ['invitation_missing'] },
    ),
    valid('json', ProctoringBatchSchema), // before the limit: a malformed batch is a 400, never a 429
    rateLimit(svc.store.limits, { name: 'candidate-proctoring', limit: 30, windowMs: 60_000, key: (c) => String(c.get('tokenHash')) }),
    async (c) => c.json(await recordProctoring(svc.store, c.get('tokenHash'), c.req.valid('json').events, now())),
  );
  return api;
}
