// Candidate mode's state and actions: the attempt as the server tells it, the question on screen, a
// queue that saves every answer as it is given (and retries), and a countdown to the server's deadline.
import { batch, computed, createModel, effect, signal, untracked } from '@preact/signals';
import type { Attempt, AttemptTest, ResponseValue } from '../../../shared/candidate-api.ts';
import { formatMinutes, resolveLocale, t, type Locale, type MessageKey, type MessageParams } from '../../../shared/i18n/catalogue.ts';
import { CandidateApiError, isRetryable, type CandidateApi } from './api.ts';

export type Phase = 'loading' | 'intro' | 'test' | 'between' | 'finished' | 'blocked' | 'error';
/** Why the link cannot be used (the same words as the server's friendly pages). */
export type Blocked = 'expired' | 'cancelled' | 'unknown';
export type SaveState = 'idle' | 'saving' | 'saved' | 'failed';
export type Confirm = null | 'finish' | 'submit';

export interface CandidateDeps {
  api: CandidateApi;
  /** Language until the attempt says which (the page's own lang attribute). */
  initialLocale?: string;
  now?: () => number;
  /** Countdown tick, ms. */
  tick?: number;
  /** First retry delay of a failed save, ms; doubles up to 15 s. */
  retryBase?: number;
  /** Quiet time after typing before a text answer is saved, ms. */
  typingDelay?: number;
}

/** A response that counts as given: not cleared, not an empty text or empty selection. */
export const isAnswered = (v: ResponseValue | undefined): boolean => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);

/** Parses what a candidate typed as a number; "12,5" is accepted as well as "12.5". */
export function parseNumber(raw: string): number | null | 'invalid' {
  const s = raw.trim().replace(/\s+/g, '');
  if (s === '') return null;
  if (!/^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/.test(s)) return 'invalid';
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) ? n : 'invalid';
}

/** "12:05" or "1:02:05". */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

const draftOf = (v: ResponseValue | undefined, locale: Locale): string =>
  typeof v === 'number' ? (locale === 'nl' ? String(v).replace('.', ',') : String(v)) : typeof v === 'string' ? v : '';

/** Kinds answered by typing; only these have a draft. Choices are saved the moment they change. */
const TYPED_KINDS: ReadonlySet<string> = new Set(['numeric', 'short_text']);

export const CandidateModel = createModel((deps: CandidateDeps) => {
  const now = deps.now ?? (() => Date.now());
  const api = deps.api;

  const attempt = signal<Attempt | null>(null);
  const phase = signal<Phase>('loading');
  const blocked = signal<Blocked>('unknown');
  /** True when the candidate submitted in this visit (thank-you page) rather than earlier. */
  const submittedNow = signal(false);
  const busy = signal(false);
  const submitting = signal(false);
  const actionError = signal<MessageKey | null>(null);
  /** A message shown above the current step, e.g. that time ran out on the previous test. */
  const notice = signal<MessageKey | null>(null);
  /** Polite screen-reader announcement; `announceSeq` makes a repeated sentence be spoken again. */
  const announcement = signal('');
  const offset = signal(0);
  const clock = signal(now());
  const index = signal(0);
  const responses = signal<Record<string, ResponseValue>>({});
  const drafts = signal<Record<string, string>>({});
  const fieldErrors = signal<Record<string, MessageKey>>({});
  const saveState = signal<SaveState>('idle');
  const confirm = signal<Confirm>(null);
  /** Bumped whenever the question on screen changes, so the view can move focus to it. */
  const questionSeq = signal(0);

  const locale = computed<Locale>(() => attempt.value?.locale ?? resolveLocale(deps.initialLocale));
  const tr = (key: MessageKey, params?: MessageParams) => t(locale.value, key, params);
  const tests = computed(() => attempt.value?.tests ?? []);
  const current = computed(() => attempt.value?.current ?? null);
  const currentTest = computed<AttemptTest | null>(() => tests.value.find((x) => x.id === current.value?.test_id) ?? null);
  const testNumber = computed(() => {
    const id = currentTest.value?.id ?? nextTest.value?.id;
    return tests.value.findIndex((x) => x.id === id) + 1;
  });
  const nextTest = computed<AttemptTest | null>(() => tests.value.find((x) => x.state === 'not_started') ?? null);
  const isLastTest = computed(() => !tests.value.some((x) => x.state === 'not_started' && x.id !== current.value?.test_id));
  const questions = computed(() => current.value?.questions ?? []);
  const question = computed(() => questions.value[index.value] ?? null);
  const answeredCount = computed(() => questions.value.filter((q) => isAnswered(responses.value[q.id])).length);
  const deadline = computed(() => (currentTest.value?.deadline_at ? Date.parse(currentTest.value.deadline_at) : null));
  const remainingMs = computed(() => (deadline.value === null ? null : Math.max(0, deadline.value - (clock.value + offset.value))));

  const announce = (text: string) => {
    // Clearing first makes a screen reader speak the same sentence twice in a row.
    announcement.value = '';
    queueMicrotask(() => (announcement.value = text));
  };

  // ---------- applying what the server says ----------

  let shownTestId: string | null = null;
  const apply = (a: Attempt, sentAt: number) => {
    const receivedAt = now();
    batch(() => {
      attempt.value = a;
      // The server's clock decides; half the round trip is the best guess of when it spoke.
      offset.value = Date.parse(a.server_time) - (sentAt + receivedAt) / 2;
      clock.value = receivedAt;
      if (a.status === 'completed') {
        phase.value = 'finished';
        return;
      }
      if (a.current) {
        if (shownTestId !== a.current.test_id) {
          shownTestId = a.current.test_id;
          const saved = a.current.responses;
          responses.value = { ...saved };
          const typed = new Set(a.current.questions.filter((q) => TYPED_KINDS.has(q.kind)).map((q) => q.id));
          drafts.value = Object.fromEntries(Object.entries(saved).filter(([k]) => typed.has(k)).map(([k, v]) => [k, draftOf(v, a.locale)]));
          edited.clear();
          fieldErrors.value = {};
          // Resume where the candidate left off: the first question without an answer.
          const first = a.current.questions.findIndex((q) => !isAnswered(saved[q.id]));
          index.value = first === -1 ? 0 : first;
          questionSeq.value++;
          warned.clear();
        }
        phase.value = 'test';
        return;
      }
      shownTestId = null;
      if (a.status === 'pending') phase.value = 'intro';
      else phase.value = 'between';
    });
    // Every test is closed but nothing was submitted (time ran out while away): hand it in now.
    if (a.status === 'in_progress' && !a.current && !a.tests.some((x) => x.state === 'not_started')) void submit();
  };

  /** Turns a refusal into what the page shows; returns true when it was handled. */
  const handle = (err: unknown): void => {
    const code = err instanceof CandidateApiError ? err.code : 'error';
    switch (code) {
      case 'invitation_expired':
      case 'attempt_expired':
        blocked.value = 'expired';
        phase.value = 'blocked';
        return;
      case 'invitation_cancelled':
        blocked.value = 'cancelled';
        phase.value = 'blocked';
        return;
      case 'invitation_unknown':
      case 'invitation_missing':
        blocked.value = 'unknown';
        phase.value = 'blocked';
        return;
      case 'already_submitted':
        void refresh();
        return;
      case 'deadline_passed':
      case 'test_closed':
        notice.value = 'test.deadline_passed';
        announce(tr('test.deadline_passed'));
        void refresh();
        return;
      default:
        actionError.value = code === 'network_error' ? 'error.network' : code === 'rate_limited' ? 'error.rate_limited' : 'error.generic';
        announce(tr(actionError.value));
    }
  };

  const load = async () => {
    phase.value = 'loading';
    const sentAt = now();
    try {
      apply(await api.attempt(), sentAt);
    } catch (err) {
      if (err instanceof CandidateApiError && /^invitation_|^attempt_expired$/.test(err.code)) handle(err);
      else phase.value = 'error';
    }
  };

  const refresh = async () => {
    const sentAt = now();
    try {
      apply(await api.attempt(), sentAt);
    } catch (err) {
      if (err instanceof CandidateApiError && err.code !== 'already_submitted' && err.code !== 'deadline_passed') handle(err);
    }
  };

  // ---------- saving answers ----------

  const dirty = new Map<string, ResponseValue>();
  const typing = new Map<string, ReturnType<typeof setTimeout>>();
  /** Typed fields the candidate changed since their last commit: the only drafts that may be saved. */
  const edited = new Set<string>();
  let pumping = false;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let idleWaiters: (() => void)[] = [];

  const settle = () => {
    if (dirty.size || pumping || retryTimer) return;
    const w = idleWaiters;
    idleWaiters = [];
    for (const resolve of w) resolve();
  };

  const pump = async (): Promise<void> => {
    if (pumping || retryTimer) return;
    pumping = true;
    try {
      while (dirty.size) {
        const [qid, value] = dirty.entries().next().value as [string, ResponseValue];
        dirty.delete(qid);
        saveState.value = 'saving';
        try {
          await api.save(qid, value);
          failures = 0;
          if (fieldErrors.value[qid]) {
            const { [qid]: _, ...rest } = fieldErrors.value;
            fieldErrors.value = rest;
          }
        } catch (err) {
          if (isRetryable(err)) {
            if (!dirty.has(qid)) dirty.set(qid, value); // a newer value, if any, wins
            failures++;
            // Shown and spoken (politely) by the view's save status; the answer stays queued.
            saveState.value = 'failed';
            const delay = Math.min(15_000, (deps.retryBase ?? 1000) * 2 ** Math.min(failures - 1, 4));
            retryTimer = setTimeout(() => {
              retryTimer = null;
              void pump();
            }, delay);
            return;
          }
          const code = err instanceof CandidateApiError ? err.code : '';
          if (code === 'invalid_response') {
            fieldErrors.value = { ...fieldErrors.value, [qid]: 'test.response_invalid' };
            continue;
          }
          // Time is up, the test is closed, or the link no longer works: nothing more can be saved.
          dirty.clear();
          handle(err);
          break;
        }
      }
      if (!dirty.size && saveState.value === 'saving') saveState.value = 'saved';
    } finally {
      pumping = false;
      settle();
    }
  };

  const setResponse = (qid: string, value: ResponseValue) => {
    responses.value = { ...responses.value, [qid]: value };
    dirty.set(qid, value);
    void pump();
  };

  /**
   * Saves what was typed into a number or text field now (on blur, navigation, or after a pause). Only a
   * draft the candidate edited is saved, and only for typed kinds: moving on never writes a value the
   * candidate did not give (issue 15: Next used to save `null` over a chosen option).
   */
  const commitDraft = (qid: string) => {
    const timer = typing.get(qid);
    if (timer) clearTimeout(timer);
    typing.delete(qid);
    const q = questions.value.find((x) => x.id === qid);
    if (!q || !TYPED_KINDS.has(q.kind) || !edited.has(qid)) return;
    const raw = drafts.value[qid] ?? '';
    let value: ResponseValue;
    if (q.kind === 'numeric') {
      const n = parseNumber(raw);
      if (n === 'invalid') {
        fieldErrors.value = { ...fieldErrors.value, [qid]: 'test.number_invalid' };
        return;
      }
      value = n;
    } else {
      value = raw === '' ? null : raw;
    }
    edited.delete(qid);
    if (fieldErrors.value[qid] === 'test.number_invalid') {
      const { [qid]: _, ...rest } = fieldErrors.value;
      fieldErrors.value = rest;
    }
    const before = responses.value[qid];
    if (before === value || (before === undefined && value === null)) return;
    setResponse(qid, value);
  };

  const setDraft = (qid: string, raw: string) => {
    drafts.value = { ...drafts.value, [qid]: raw };
    edited.add(qid);
    const timer = typing.get(qid);
    if (timer) clearTimeout(timer);
    typing.set(qid, setTimeout(() => commitDraft(qid), deps.typingDelay ?? 700));
  };

  const commitAllDrafts = () => {
    for (const qid of [...new Set([...typing.keys(), ...edited])]) commitDraft(qid);
  };

  /** Resolves once every answer given so far has been saved (or can no longer be). */
  const flush = (): Promise<void> => {
    commitAllDrafts();
    if (retryTimer) {
      clearTimeout(retryTimer);
      retryTimer = null;
      void pump();
    }
    return new Promise<void>((resolve) => {
      idleWaiters.push(resolve);
      settle();
    });
  };

  // ---------- the countdown ----------

  const warned = new Set<string>();
  effect(() => {
    if (phase.value !== 'test') return;
    const timer = setInterval(() => (clock.value = now()), deps.tick ?? 1000);
    return () => clearInterval(timer);
  });
  let timingOut = false;
  effect(() => {
    const left = remainingMs.value;
    if (phase.value !== 'test' || left === null) return;
    untracked(() => {
      const testId = currentTest.value?.id ?? '';
      if (left <= 0) {
        void timeUp();
      } else if (left <= 60_000 && !warned.has(`${testId}:1`)) {
        warned.add(`${testId}:1`).add(`${testId}:5`);
        announce(tr('test.time_almost_up'));
      } else if (left <= 5 * 60_000 && left > 60_000 && (currentTest.value?.duration_minutes ?? 0) > 5 && !warned.has(`${testId}:5`)) {
        warned.add(`${testId}:5`);
        announce(tr('test.time_warning', { duration: formatMinutes(locale.value, Math.ceil(left / 60_000)) }));
      }
    });
  });

  /** The server's deadline reached zero on screen: save what is pending, then move on or hand in. */
  const timeUp = async () => {
    if (timingOut) return;
    timingOut = true;
    confirm.value = null;
    try {
      const test = currentTest.value;
      if (!test) return;
      announce(tr('test.deadline_passed'));
      await flush();
      if (isLastTest.value) {
        await submit();
      } else {
        const sentAt = now();
        try {
          apply(await api.finishTest(test.id), sentAt);
          notice.value = 'test.time_up_next';
        } catch (err) {
          handle(err);
          // Offline at the deadline: try again shortly (the server has closed the test regardless).
          if (isRetryable(err)) setTimeout(() => void timeUp(), 3000);
        }
      }
    } finally {
      timingOut = false;
    }
  };

  // ---------- the candidate's actions ----------

  const startNext = async () => {
    const next = nextTest.value;
    if (!next || busy.value) return;
    busy.value = true;
    actionError.value = null;
    const sentAt = now();
    try {
      apply(await api.startTest(next.id), sentAt);
      notice.value = null;
    } catch (err) {
      handle(err);
    } finally {
      busy.value = false;
    }
  };

  const go = (i: number) => {
    const q = question.value;
    if (q) commitDraft(q.id);
    if (i < 0 || i >= questions.value.length || i === index.value) return;
    index.value = i;
    questionSeq.value++;
  };

  const finishTest = async () => {
    const test = currentTest.value;
    confirm.value = null;
    if (!test || busy.value) return;
    busy.value = true;
    actionError.value = null;
    try {
      await flush();
      const sentAt = now();
      apply(await api.finishTest(test.id), sentAt);
      notice.value = null;
    } catch (err) {
      handle(err);
    } finally {
      busy.value = false;
    }
  };

  async function submit(): Promise<void> {
    confirm.value = null;
    if (submitting.value) return;
    submitting.value = true;
    busy.value = true;
    actionError.value = null;
    try {
      await flush();
      await api.submit();
      batch(() => {
        submittedNow.value = true;
        phase.value = 'finished';
        if (attempt.value) attempt.value = { ...attempt.value, status: 'completed', current: null };
      });
    } catch (err) {
      handle(err);
    } finally {
      submitting.value = false;
      busy.value = false;
    }
  }

  return {
    attempt,
    phase,
    blocked,
    submittedNow,
    busy,
    submitting,
    actionError,
    notice,
    announcement,
    index,
    responses,
    drafts,
    fieldErrors,
    saveState,
    confirm,
    questionSeq,
    locale,
    tests,
    currentTest,
    testNumber,
    nextTest,
    isLastTest,
    questions,
    question,
    answeredCount,
    remainingMs,
    load,
    refresh,
    startNext,
    go,
    choose: (qid: string, value: string | number) => setResponse(qid, value),
    toggle: (qid: string, optionId: string, on: boolean) => {
      const before = responses.value[qid];
      const list = Array.isArray(before) ? before.filter((x) => x !== optionId) : [];
      setResponse(qid, on ? [...list, optionId] : list);
    },
    setDraft,
    commitDraft,
    commitAllDrafts,
    flush,
    askFinish: () => void (confirm.value = 'finish'),
    askSubmit: () => void (confirm.value = 'submit'),
    cancelConfirm: () => void (confirm.value = null),
    confirmYes: () => (confirm.value === 'submit' ? submit() : finishTest()),
    finishTest,
    submit,
    timeUp,
  };
});

export type CandidateModel = InstanceType<typeof CandidateModel>;
