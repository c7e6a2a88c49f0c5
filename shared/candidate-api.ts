// The candidate API's JSON shapes (valibot, so /openapi.json describes them), shared by the BFF and the
// candidate page. Nothing here may carry an answer key: no `answer`, `answers`, `tolerance`, `accept`,
// `trait`, `direction` or `explanation` field, ever.
import * as v from 'valibot';
import { LOCALES } from './i18n/catalogue.ts';

/** Keys the candidate API must never send; a test walks every response of a full run for them. */
export const FORBIDDEN_CANDIDATE_KEYS = ['answer', 'answers', 'tolerance', 'accept', 'trait', 'direction', 'explanation'] as const;

const Iso = v.string();
const IsoOrNull = v.nullable(v.string());

const OptionSchema = v.object({ id: v.string(), text: v.string() });
const Snippet = v.optional(v.string());

export const PublicQuestionSchema = v.variant('kind', [
  v.object({ id: v.string(), kind: v.literal('single_choice'), prompt: v.string(), snippet: Snippet, options: v.array(OptionSchema) }),
  v.object({ id: v.string(), kind: v.literal('multiple_choice'), prompt: v.string(), snippet: Snippet, options: v.array(OptionSchema) }),
  v.object({ id: v.string(), kind: v.literal('numeric'), prompt: v.string(), snippet: Snippet, unit: v.optional(v.string()) }),
  v.object({ id: v.string(), kind: v.literal('short_text'), prompt: v.string(), snippet: Snippet, max_length: v.number() }),
  v.object({ id: v.string(), kind: v.literal('likert'), statement: v.string(), scale: v.object({ min: v.number(), max: v.number(), labels: v.array(v.string()) }) }),
]);

/** A saved response: an option id, option ids, a number or text; null means the candidate cleared it. */
export const ResponseValueSchema = v.nullable(v.union([v.string(), v.array(v.string()), v.number()]));
export type ResponseValue = v.InferOutput<typeof ResponseValueSchema>;

export const TEST_STATES = ['not_started', 'open', 'closed'] as const;
export type TestState = (typeof TEST_STATES)[number];

export const AttemptTestSchema = v.object({
  id: v.string(),
  name: v.string(),
  description: v.string(),
  duration_minutes: v.number(),
  question_count: v.number(),
  /** not_started: no timer yet; open: the timer runs (answers accepted); closed: finished or out of time. */
  state: v.picklist(TEST_STATES),
  started_at: IsoOrNull,
  /** When the test's own timer ends; the server owns it. */
  deadline_at: IsoOrNull,
  finished_at: IsoOrNull,
  /** How many questions of this test have a saved response. */
  responded: v.number(),
});
export type AttemptTest = v.InferOutput<typeof AttemptTestSchema>;

export const CurrentTestSchema = v.object({
  test_id: v.string(),
  questions: v.array(PublicQuestionSchema),
  /** The candidate's own saved responses by question id, for resuming. */
  responses: v.record(v.string(), ResponseValueSchema),
});
export type CurrentTest = v.InferOutput<typeof CurrentTestSchema>;

export const ATTEMPT_STATUSES = ['pending', 'in_progress', 'completed'] as const;

export const AttemptSchema = v.object({
  status: v.picklist(ATTEMPT_STATUSES),
  locale: v.picklist(LOCALES),
  company: v.string(),
  candidate_first_name: v.nullable(v.string()),
  /** Until when a test can still be started. */
  expires_at: IsoOrNull,
  started_at: IsoOrNull,
  completed_at: IsoOrNull,
  /** The server's clock when it answered, so the page can correct for a wrong device clock. */
  server_time: Iso,
  package: v.object({
    name: v.string(),
    description: v.string(),
    duration_minutes: v.number(),
    test_count: v.number(),
    question_count: v.number(),
  }),
  tests: v.array(AttemptTestSchema),
  /** Extra time granted as an accommodation (percent); every duration and deadline above already includes it. */
  extra_time_percent: v.optional(v.number()),
  /** The test whose timer runs now, with its questions; null when none does. */
  current: v.nullable(CurrentTestSchema),
});
export type Attempt = v.InferOutput<typeof AttemptSchema>;
export const AttemptEnvelopeSchema = v.object({ attempt: AttemptSchema });

export const SaveResponseBodySchema = v.strictObject({ value: ResponseValueSchema });
export const SavedSchema = v.object({ saved: v.object({ question_id: v.string(), saved_at: Iso }) });

export const SubmissionSchema = v.object({ submission: v.object({ status: v.literal('completed'), completed_at: Iso }) });
export type Submission = v.InferOutput<typeof SubmissionSchema>['submission'];

/**
 * Error codes of the candidate API the page reacts to (besides the generic ones):
 * - 401 invitation_missing, 404 invitation_unknown, 410 invitation_expired / invitation_cancelled / attempt_expired
 * - 409 already_submitted, test_not_started, test_closed, deadline_passed, test_unavailable
 */
export const CANDIDATE_ERROR_CODES = [
  'invitation_missing',
  'invitation_unknown',
  'invitation_expired',
  'invitation_cancelled',
  'attempt_expired',
  'already_submitted',
  'test_not_started',
  'test_closed',
  'deadline_passed',
  'test_unavailable',
  'question_unknown',
  'test_unknown',
  'invalid_response',
] as const;
export type CandidateErrorCode = (typeof CANDIDATE_ERROR_CODES)[number];
