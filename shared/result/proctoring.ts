// What candidate mode may record during a test (issue 15, item 5) — the wire shape, shared by the page
// and the server. Only three kinds, never answer text, never anything about the device.
import * as v from 'valibot';

/** At most this many events are stored per attempt; beyond it the server answers 409. */
export const MAX_PROCTORING_EVENTS = 500;
/** At most this many events per request. */
export const MAX_PROCTORING_BATCH = 50;
/** A single duration longer than this (3 h, longer than any test) is refused as implausible. */
export const MAX_PROCTORING_DURATION_MS = 3 * 3_600_000;

const QuestionId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be a question id'));
const Duration = v.pipe(v.number(), v.integer('must be whole milliseconds'), v.minValue(0, 'must not be negative'), v.maxValue(MAX_PROCTORING_DURATION_MS, 'is longer than any test'));

export const ProctoringEventSchema = v.variant('kind', [
  /** The page was hidden or lost focus for duration_ms. */
  v.strictObject({ kind: v.literal('left'), duration_ms: Duration }),
  /** Something was pasted into the answer of question_id (what was pasted is never sent). */
  v.strictObject({ kind: v.literal('paste'), question_id: QuestionId }),
  /** The candidate spent duration_ms on question_id (while the page was in front). */
  v.strictObject({ kind: v.literal('question'), question_id: QuestionId, duration_ms: Duration }),
], 'kind must be left, paste or question');
export type ProctoringEvent = v.InferOutput<typeof ProctoringEventSchema>;

export const ProctoringBatchSchema = v.strictObject({
  events: v.pipe(v.array(ProctoringEventSchema), v.minLength(1, 'needs at least 1 event'), v.maxLength(MAX_PROCTORING_BATCH, `allows at most ${MAX_PROCTORING_BATCH} events`)),
});

export const ProctoringStoredSchema = v.object({ stored: v.number(), total: v.number(), limit: v.number() });
