// Candidate mode's model without a DOM: resume position, the save queue (retries, newest value wins),
// number input, the countdown reaching zero (next test or submission), and refusals turned into pages.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Attempt, AttemptTest, ResponseValue } from '../../shared/candidate-api.ts';
import { CandidateApiError, type CandidateApi } from '../../widget/app/candidate/api.ts';
import { CandidateModel, formatClock, parseNumber } from '../../widget/app/candidate/model.ts';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');

function test_(id: string, state: AttemptTest['state'], startedMs: number | null = null, minutes = 10): AttemptTest {
  return {
    id,
    name: `Test ${id}`,
    description: 'About it',
    duration_minutes: minutes,
    question_count: 3,
    state,
    started_at: startedMs === null ? null : new Date(T0 + startedMs).toISOString(),
    deadline_at: startedMs === null ? null : new Date(T0 + startedMs + minutes * 60_000).toISOString(),
    finished_at: null,
    responded: 0,
  };
}

const questions = (prefix: string): NonNullable<Attempt['current']>['questions'] => [
  { id: `${prefix}1`, kind: 'single_choice', prompt: 'Pick', options: [{ id: 'a', text: 'A' }, { id: 'b', text: 'B' }] },
  { id: `${prefix}2`, kind: 'numeric', prompt: 'How many?' },
  { id: `${prefix}3`, kind: 'short_text', prompt: 'Say', max_length: 20 },
];

function attempt(over: Partial<Attempt> = {}): Attempt {
  return {
    status: 'pending',
    locale: 'en',
    company: 'Acme',
    candidate_first_name: 'Sam',
    expires_at: new Date(T0 + 7 * 86_400_000).toISOString(),
    started_at: null,
    completed_at: null,
    server_time: new Date(Date.now()).toISOString(),
    package: { name: 'Pkg', description: 'd', duration_minutes: 20, test_count: 2, question_count: 6 },
    tests: [test_('a', 'not_started'), test_('b', 'not_started')],
    current: null,
    ...over,
  };
}

/** A scripted server: state changes as the real one would, and each call can be made to fail. */
function fakeApi() {
  const saved: [string, ResponseValue][] = [];
  const calls: string[] = [];
  let state = attempt();
  const failSave: unknown[] = [];
  const api: CandidateApi & { saved: typeof saved; calls: string[]; failSave: unknown[]; set(a: Attempt): void } = {
    saved,
    calls,
    failSave,
    set: (a) => void (state = a),
    proctoring: async () => undefined,
    async attempt() {
      calls.push('attempt');
      return { ...state, server_time: new Date(Date.now()).toISOString() };
    },
    async startTest(id) {
      calls.push(`start:${id}`);
      const start = Date.now() - T0;
      state = {
        ...state,
        status: 'in_progress',
        tests: state.tests.map((t) => (t.id === id ? test_(id, 'open', start) : t.state === 'open' ? { ...t, state: 'closed' } : t)),
        current: { test_id: id, questions: questions(id), responses: {} },
      };
      return this.attempt();
    },
    async finishTest(id) {
      calls.push(`finish:${id}`);
      state = { ...state, tests: state.tests.map((t) => (t.id === id ? { ...t, state: 'closed' } : t)), current: null };
      return this.attempt();
    },
    async save(id, value) {
      calls.push(`save:${id}`);
      const f = failSave.shift();
      if (f) throw f;
      saved.push([id, value]);
    },
    async submit() {
      calls.push('submit');
      state = { ...state, status: 'completed', current: null };
      return { status: 'completed', completed_at: new Date(Date.now()).toISOString() };
    },
  };
  return api;
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(0);
};

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

describe('candidate model', () => {
  it('shows the intro, then starts the first test and counts down to the server’s deadline', async () => {
    const api = fakeApi();
    const m = new CandidateModel({ api });
    await m.load();
    expect(m.phase.value).toBe('intro');
    await m.startNext();
    expect(m.phase.value).toBe('test');
    expect(m.question.value?.id).toBe('a1');
    expect(m.remainingMs.value).toBe(10 * 60_000);
    await vi.advanceTimersByTimeAsync(61_000);
    expect(m.remainingMs.value).toBe(10 * 60_000 - 61_000);
    expect(formatClock(m.remainingMs.value!)).toBe('08:59');
  });

  it('corrects for a device clock that is off: the server’s time decides', async () => {
    const api = fakeApi();
    api.set(attempt({ status: 'in_progress', tests: [test_('a', 'open', 0), test_('b', 'not_started')], current: { test_id: 'a', questions: questions('a'), responses: {} } }));
    const wrong = () => Date.now() + 3_600_000; // the device runs an hour fast
    const m = new CandidateModel({ api, now: wrong });
    await m.load();
    expect(m.remainingMs.value).toBe(10 * 60_000);
  });

  it('resumes at the first unanswered question with the saved answers', async () => {
    const api = fakeApi();
    api.set(attempt({ status: 'in_progress', tests: [test_('a', 'open', 0), test_('b', 'not_started')], current: { test_id: 'a', questions: questions('a'), responses: { a1: 'b', a2: 12.5 } } }));
    const m = new CandidateModel({ api });
    await m.load();
    expect(m.index.value).toBe(2);
    expect(m.responses.value).toEqual({ a1: 'b', a2: 12.5 });
    expect(m.drafts.value.a2).toBe('12.5');
    expect(m.answeredCount.value).toBe(2);
  });

  it('saves each answer as it is given, retries after a network failure, and the newest value wins', async () => {
    const api = fakeApi();
    const m = new CandidateModel({ api, retryBase: 100 });
    await m.load();
    await m.startNext();
    api.failSave.push(new CandidateApiError(0, 'network_error', 'down'));
    m.choose('a1', 'a');
    await settle();
    expect(m.saveState.value).toBe('failed');
    m.choose('a1', 'b');
    await vi.advanceTimersByTimeAsync(150);
    await settle();
    expect(api.saved).toEqual([['a1', 'b']]);
    expect(m.saveState.value).toBe('saved');
  });

  it('never saves a value the candidate did not give when moving with Next, Previous or the strip (issue 15)', async () => {
    const api = fakeApi();
    api.set(attempt({ status: 'in_progress', tests: [test_('a', 'open', 0), test_('b', 'not_started')], current: { test_id: 'a', questions: questions('a'), responses: { a2: 7 } } }));
    const m = new CandidateModel({ api });
    await m.load();
    m.go(0);
    m.choose('a1', 'b');
    await settle();
    m.go(1); // Next from a chosen option
    m.go(0); // Previous
    m.go(2); // the strip, past an untouched typed answer
    m.go(1);
    await settle();
    expect(api.saved).toEqual([['a1', 'b']]);
    expect(m.responses.value).toEqual({ a1: 'b', a2: 7 });
    expect(m.answeredCount.value).toBe(2);
  });

  it('submit waits for a failed save to be retried and saved; the answer is never dropped', async () => {
    const api = fakeApi();
    const m = new CandidateModel({ api, retryBase: 100 });
    await m.load();
    await m.startNext();
    await m.finishTest();
    await m.startNext();
    api.failSave.push(new CandidateApiError(503, 'unavailable', 'down'), new CandidateApiError(0, 'network_error', 'down'));
    m.choose('b1', 'a');
    await settle();
    expect(m.saveState.value).toBe('failed');
    const done = m.submit();
    await vi.advanceTimersByTimeAsync(1000);
    await done;
    expect(api.saved).toEqual([['b1', 'a']]);
    expect(api.calls.indexOf('submit')).toBeGreaterThan(api.calls.lastIndexOf('save:b1'));
    expect(m.phase.value).toBe('finished');
  });

  it('reads "12,5" as a number, refuses text in a number field, and saves typing after a pause', async () => {
    expect(parseNumber('12,5')).toBe(12.5);
    expect(parseNumber(' -3 ')).toBe(-3);
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('12a')).toBe('invalid');
    const api = fakeApi();
    const m = new CandidateModel({ api, typingDelay: 300 });
    await m.load();
    await m.startNext();
    m.setDraft('a2', 'twelve');
    await vi.advanceTimersByTimeAsync(400);
    expect(m.fieldErrors.value.a2).toBe('test.number_invalid');
    expect(api.saved).toEqual([]);
    m.setDraft('a2', '12,5');
    await vi.advanceTimersByTimeAsync(100);
    expect(api.saved).toEqual([]); // still typing
    await vi.advanceTimersByTimeAsync(300);
    await settle();
    expect(api.saved).toEqual([['a2', 12.5]]);
    expect(m.fieldErrors.value.a2).toBeUndefined();
    m.go(2);
    m.setDraft('a3', 'hello');
    m.go(0); // leaving the question saves at once
    await settle();
    expect(api.saved.at(-1)).toEqual(['a3', 'hello']);
  });

  it('moves to the next test when time runs out, and submits by itself at the end of the last', async () => {
    const api = fakeApi();
    const m = new CandidateModel({ api });
    await m.load();
    await m.startNext();
    m.choose('a1', 'a');
    await vi.advanceTimersByTimeAsync(10 * 60_000 + 1000);
    await settle();
    expect(api.calls).toContain('finish:a');
    expect(m.phase.value).toBe('between');
    expect(m.notice.value).toBe('test.time_up_next');
    expect(m.nextTest.value?.id).toBe('b');
    await m.startNext();
    expect(m.isLastTest.value).toBe(true);
    await vi.advanceTimersByTimeAsync(10 * 60_000 + 1000);
    await settle();
    expect(api.calls.filter((c) => c === 'submit')).toHaveLength(1);
    expect(m.phase.value).toBe('finished');
    expect(m.submittedNow.value).toBe(true);
  });

  it('submits once, after every pending answer is saved', async () => {
    const api = fakeApi();
    const m = new CandidateModel({ api });
    await m.load();
    await m.startNext();
    await m.finishTest();
    await m.startNext();
    m.setDraft('b3', 'last words');
    m.askSubmit();
    expect(m.confirm.value).toBe('submit');
    await Promise.all([m.confirmYes(), m.submit()]);
    expect(api.calls.filter((c) => c === 'submit')).toHaveLength(1);
    expect(api.calls.indexOf('save:b3')).toBeLessThan(api.calls.indexOf('submit'));
    expect(m.phase.value).toBe('finished');
  });

  it('turns a late answer into the deadline message and reloads the attempt', async () => {
    const api = fakeApi();
    const m = new CandidateModel({ api });
    await m.load();
    await m.startNext();
    api.failSave.push(new CandidateApiError(409, 'deadline_passed', 'Time is up'));
    api.set({ ...(await api.attempt()), tests: [{ ...test_('a', 'closed', 0) }, test_('b', 'not_started')], current: null });
    m.choose('a1', 'a');
    await settle();
    expect(m.notice.value).toBe('test.deadline_passed');
    expect(m.phase.value).toBe('between');
  });

  it('shows the friendly page for links that no longer work', async () => {
    for (const [code, blocked] of [
      ['invitation_expired', 'expired'],
      ['attempt_expired', 'expired'],
      ['invitation_cancelled', 'cancelled'],
      ['invitation_unknown', 'unknown'],
    ] as const) {
      const api = fakeApi();
      api.attempt = async () => {
        throw new CandidateApiError(code === 'invitation_unknown' ? 404 : 410, code, 'no');
      };
      const m = new CandidateModel({ api });
      await m.load();
      expect(m.phase.value, code).toBe('blocked');
      expect(m.blocked.value, code).toBe(blocked);
    }
    const api = fakeApi();
    api.attempt = async () => {
      throw new CandidateApiError(0, 'network_error', 'down');
    };
    const m = new CandidateModel({ api });
    await m.load();
    expect(m.phase.value).toBe('error');
  });

  it('uses the attempt’s language', async () => {
    const api = fakeApi();
    api.set(attempt({ locale: 'nl' }));
    const m = new CandidateModel({ api, initialLocale: 'en' });
    expect(m.locale.value).toBe('en');
    await m.load();
    expect(m.locale.value).toBe('nl');
  });
});
