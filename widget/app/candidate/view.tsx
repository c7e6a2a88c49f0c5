// Candidate mode's markup: intro, the test (one question at a time, with countdown and progress),
// the pause between tests, the confirmation dialog and the closing pages. State lives in model.ts.
import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { Attempt } from '../../../shared/candidate-api.ts';
import { formatMinutes, t, type Locale, type MessageKey, type MessageParams } from '../../../shared/i18n/catalogue.ts';
import { formatClock, isAnswered, type Blocked, type CandidateModel } from './model.ts';

type Q = NonNullable<Attempt['current']>['questions'][number];
type Tr = (key: MessageKey, params?: MessageParams) => string;

/** A moment in the candidate's own time zone (the device's), with the zone shown, e.g. "14 March 2026, 17:00 CET". */
const formatDate = (iso: string, locale: Locale) =>
  new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(new Date(iso));

/** The page's one h1; focused when the step changes so a screen reader starts reading there. */
function Title({ children }: { children: ComponentChildren }) {
  return (
    <h1 id="c-title" tabIndex={-1}>
      {children}
    </h1>
  );
}

function Intro({ model, tr }: { model: CandidateModel; tr: Tr }) {
  const a = model.attempt.value!;
  const locale = model.locale.value;
  return (
    <section aria-labelledby="c-title">
      <Title>{t(locale, 'intro.title', { package: a.package.name })}</Title>
      <p>{a.candidate_first_name ? tr('intro.greeting', { name: a.candidate_first_name }) : tr('intro.greeting_anonymous')}</p>
      <p>{tr('intro.invited_by', { company: a.company, package: a.package.name })}</p>
      <p class="c-description">{a.package.description}</p>
      <h2>{tr('intro.tests_heading')}</h2>
      <ul class="c-tests">
        {a.tests.map((x) => (
          <li key={x.id}>{tr('intro.test_line', { name: x.name, questions: x.question_count, duration: formatMinutes(locale, x.duration_minutes) })}</li>
        ))}
      </ul>
      <p>{tr('intro.total_time', { duration: formatMinutes(locale, a.package.duration_minutes) })}</p>
      {!!a.extra_time_percent && <p class="c-notice">{tr('intro.extra_time', { percent: a.extra_time_percent })}</p>}
      <p>{tr('intro.timing')}</p>
      {a.expires_at && <p>{tr('intro.deadline', { date: formatDate(a.expires_at, locale) })}</p>}
      <h2>{tr('intro.recorded_heading')}</h2>
      <p>{tr('intro.recorded')}</p>
      <p>{tr('intro.resume')}</p>
      <ActionError model={model} tr={tr} />
      <div class="c-actions">
        <button type="button" class="c-button c-primary" disabled={model.busy.value} onClick={() => void model.startNext()}>
          {tr('test.start')}
        </button>
      </div>
    </section>
  );
}

function Between({ model, tr }: { model: CandidateModel; tr: Tr }) {
  const a = model.attempt.value!;
  const next = model.nextTest.value;
  const locale = model.locale.value;
  const n = model.testNumber.value;
  if (!next) {
    return (
      <section aria-labelledby="c-title">
        <Title>{tr('test.submitting')}</Title>
        <ActionError model={model} tr={tr} />
      </section>
    );
  }
  return (
    <section aria-labelledby="c-title">
      <Title>{tr('test.next_up', { n, total: a.tests.length })}</Title>
      {model.notice.value && <p class="c-notice">{tr(model.notice.value)}</p>}
      <h2>{next.name}</h2>
      <p class="c-description">{next.description}</p>
      <p>{tr('intro.test_line', { name: next.name, questions: next.question_count, duration: formatMinutes(locale, next.duration_minutes) })}</p>
      <p>{tr('test.break_hint')}</p>
      <ActionError model={model} tr={tr} />
      <div class="c-actions">
        <button type="button" class="c-button c-primary" disabled={model.busy.value} onClick={() => void model.startNext()}>
          {tr('test.start_test', { n, total: a.tests.length })}
        </button>
      </div>
    </section>
  );
}

function Snippet({ text }: { text?: string }) {
  // Focusable so a keyboard user can scroll wide material sideways.
  return text ? (
    <pre class="c-snippet" tabIndex={0}>
      <code>{text}</code>
    </pre>
  ) : null;
}

function FieldError({ id, model, qid, tr }: { id: string; model: CandidateModel; qid: string; tr: Tr }) {
  const err = model.fieldErrors.value[qid];
  return err ? (
    <p id={id} class="c-field-error" role="alert">
      {tr(err)}
    </p>
  ) : null;
}

function QuestionBody({ q, model, tr }: { q: Q; model: CandidateModel; tr: Tr }) {
  const value = model.responses.value[q.id];
  const base = `q-${q.id}`;
  switch (q.kind) {
    case 'single_choice':
    case 'likert': {
      const items = q.kind === 'single_choice' ? q.options.map((o) => ({ value: o.id as string | number, label: o.text })) : q.scale.labels.map((label, i) => ({ value: q.scale.min + i, label }));
      return (
        <fieldset class="c-fieldset" aria-describedby={`${base}-hint`}>
          <legend class="c-prompt">{q.kind === 'likert' ? q.statement : q.prompt}</legend>
          <p id={`${base}-hint`} class="c-hint">
            {tr(q.kind === 'likert' ? 'test.likert_hint' : 'test.select_one')}
          </p>
          <div class={q.kind === 'likert' ? 'c-options c-likert' : 'c-options'}>
            {items.map((it) => (
              <label key={String(it.value)} class="c-option">
                <input type="radio" name={base} value={String(it.value)} checked={value === it.value} onChange={() => model.choose(q.id, it.value)} />
                <span>{it.label}</span>
              </label>
            ))}
          </div>
        </fieldset>
      );
    }
    case 'multiple_choice': {
      const picked = Array.isArray(value) ? value : [];
      return (
        <fieldset class="c-fieldset" aria-describedby={`${base}-hint`}>
          <legend class="c-prompt">{q.prompt}</legend>
          <p id={`${base}-hint`} class="c-hint">
            {tr('test.select_many')}
          </p>
          <div class="c-options">
            {q.options.map((o) => (
              <label key={o.id} class="c-option">
                <input type="checkbox" name={base} value={o.id} checked={picked.includes(o.id)} onChange={(e) => model.toggle(q.id, o.id, (e.currentTarget as HTMLInputElement).checked)} />
                <span>{o.text}</span>
              </label>
            ))}
          </div>
        </fieldset>
      );
    }
    case 'numeric': {
      const err = model.fieldErrors.value[q.id];
      return (
        <div class="c-field">
          <label class="c-prompt" for={`${base}-input`}>
            {q.prompt}
          </label>
          <div class="c-numeric">
            <input
              id={`${base}-input`}
              class="c-input"
              type="text"
              inputMode="decimal"
              autoComplete="off"
              spellcheck={false}
              placeholder={tr('test.number_placeholder')}
              value={model.drafts.value[q.id] ?? ''}
              aria-invalid={err ? 'true' : undefined}
              aria-describedby={err ? `${base}-error` : undefined}
              onInput={(e) => model.setDraft(q.id, (e.currentTarget as HTMLInputElement).value)}
              onBlur={() => model.commitDraft(q.id)}
              onKeyDown={(e) => e.key === 'Enter' && model.commitDraft(q.id)}
            />
            {q.unit && <span class="c-unit">{q.unit}</span>}
          </div>
          <FieldError id={`${base}-error`} model={model} qid={q.id} tr={tr} />
        </div>
      );
    }
    case 'short_text': {
      const draft = model.drafts.value[q.id] ?? '';
      const err = model.fieldErrors.value[q.id];
      return (
        <div class="c-field">
          <label class="c-prompt" for={`${base}-input`}>
            {q.prompt}
          </label>
          <textarea
            id={`${base}-input`}
            class="c-input c-textarea"
            rows={3}
            maxLength={q.max_length}
            placeholder={tr('test.text_placeholder')}
            value={draft}
            aria-invalid={err ? 'true' : undefined}
            aria-describedby={`${base}-count${err ? ` ${base}-error` : ''}`}
            onInput={(e) => model.setDraft(q.id, (e.currentTarget as HTMLTextAreaElement).value)}
            onBlur={() => model.commitDraft(q.id)}
          />
          <p id={`${base}-count`} class="c-hint">
            {tr('test.characters_left', { count: Math.max(0, q.max_length - draft.length) })}
          </p>
          <FieldError id={`${base}-error`} model={model} qid={q.id} tr={tr} />
        </div>
      );
    }
  }
}

function ActionError({ model, tr }: { model: CandidateModel; tr: Tr }) {
  const err = model.actionError.value;
  return err ? (
    <p class="c-error" role="alert">
      {tr(err)}
    </p>
  ) : null;
}

function ConfirmDialog({ model, tr }: { model: CandidateModel; tr: Tr }) {
  const ref = useRef<HTMLDialogElement>(null);
  const kind = model.confirm.value;
  useEffect(() => {
    const d = ref.current;
    if (!d || typeof d.showModal !== 'function') return;
    if (kind && !d.open) d.showModal();
    if (!kind && d.open) d.close();
  }, [kind]);
  const answered = model.answeredCount.value;
  const total = model.questions.value.length;
  const submit = kind === 'submit';
  return (
    <dialog ref={ref} class="c-dialog" aria-labelledby="c-confirm-title" aria-describedby="c-confirm-body" onClose={() => model.confirm.value && model.cancelConfirm()}>
      {kind && (
        <>
          <h2 id="c-confirm-title">{tr(submit ? 'test.confirm_submit.title' : 'test.confirm_finish.title')}</h2>
          <p id="c-confirm-body">{tr(submit ? 'test.confirm_submit.body' : 'test.confirm_finish.body', { answered, total })}</p>
          <div class="c-actions">
            <button type="button" class="c-button c-primary" onClick={() => void model.confirmYes()}>
              {tr(submit ? 'test.confirm_submit.confirm' : 'test.confirm_finish.confirm')}
            </button>
            <button type="button" class="c-button" autoFocus onClick={() => model.cancelConfirm()}>
              {tr('test.confirm_submit.cancel')}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}

function Test({ model, tr }: { model: CandidateModel; tr: Tr }) {
  const a = model.attempt.value!;
  const test = model.currentTest.value!;
  const qs = model.questions.value;
  const i = model.index.value;
  const q = model.question.value;
  const left = model.remainingMs.value ?? 0;
  const save = model.saveState.value;
  const questionRef = useRef<HTMLHeadingElement>(null);
  const seq = model.questionSeq.value;
  const firstSeq = useRef(seq);
  useEffect(() => {
    // Moving between questions puts focus on the new one; entering the test leaves it on the title.
    if (seq !== firstSeq.current) questionRef.current?.focus();
  }, [seq]);
  const last = i === qs.length - 1;
  return (
    <section aria-labelledby="c-title" class="c-test">
      <div class="c-testbar">
        <p class="c-testnum">{tr('test.test_progress', { n: model.testNumber.value, total: a.tests.length })}</p>
        <p class={left <= 60_000 ? 'c-timer c-urgent' : 'c-timer'} role="timer" aria-atomic="true">
          {tr('test.time_left', { time: formatClock(left) })}
        </p>
      </div>
      <Title>{test.name}</Title>
      {model.notice.value && <p class="c-notice">{tr(model.notice.value)}</p>}
      <p class="c-progress">
        <span>{tr('test.answered_count', { answered: model.answeredCount.value, total: qs.length })}</span>
        <span class={`c-save c-save-${save}`} role="status" aria-live="polite">
          {save === 'saving' ? tr('test.saving') : save === 'saved' ? tr('test.saved') : save === 'failed' ? tr('test.save_failed') : ''}
        </span>
      </p>
      <progress class="c-bar" max={qs.length} value={model.answeredCount.value} aria-label={tr('test.answered_count', { answered: model.answeredCount.value, total: qs.length })} />
      {q && (
        <div class="c-question" key={q.id}>
          <h2 class="c-qnum" tabIndex={-1} ref={questionRef}>
            {tr('test.progress', { n: i + 1, total: qs.length })}
          </h2>
          <Snippet text={'snippet' in q ? q.snippet : undefined} />
          <QuestionBody q={q} model={model} tr={tr} />
        </div>
      )}
      <ActionError model={model} tr={tr} />
      <div class="c-actions c-nav-actions">
        <button type="button" class="c-button" disabled={i === 0} onClick={() => model.go(i - 1)}>
          {tr('test.previous')}
        </button>
        {!last && (
          <button type="button" class="c-button c-primary" onClick={() => model.go(i + 1)}>
            {tr('test.next')}
          </button>
        )}
        {last && model.isLastTest.value && (
          <button type="button" class="c-button c-primary" disabled={model.busy.value} onClick={() => model.askSubmit()}>
            {model.submitting.value ? tr('test.submitting') : tr('test.submit')}
          </button>
        )}
        {last && !model.isLastTest.value && (
          <button type="button" class="c-button c-primary" disabled={model.busy.value} onClick={() => model.askFinish()}>
            {tr('test.finish_test')}
          </button>
        )}
      </div>
      <nav class="c-qnav" aria-label={tr('test.questions_nav')}>
        <ol>
          {qs.map((x, n) => {
            const done = isAnswered(model.responses.value[x.id]);
            return (
              <li key={x.id}>
                <button type="button" class={done ? 'c-qbtn c-done' : 'c-qbtn'} aria-current={n === i ? 'step' : undefined} onClick={() => model.go(n)}>
                  <span aria-hidden="true">{n + 1}</span>
                  <span class="c-sr-only">
                    {tr('test.question_n', { n: n + 1 })}
                    {done ? `, ${tr('test.answered')}` : ''}
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
      </nav>
      {!model.isLastTest.value && !last && (
        <p class="c-finish-early">
          <button type="button" class="c-link" disabled={model.busy.value} onClick={() => model.askFinish()}>
            {tr('test.finish_test')}
          </button>
        </p>
      )}
      {model.isLastTest.value && !last && (
        <p class="c-finish-early">
          <button type="button" class="c-link" disabled={model.busy.value} onClick={() => model.askSubmit()}>
            {tr('test.submit')}
          </button>
        </p>
      )}
      <ConfirmDialog model={model} tr={tr} />
    </section>
  );
}

const BLOCKED: Record<Blocked, { title: MessageKey; body: MessageKey[] }> = {
  expired: { title: 'page.expired.title', body: ['page.expired.body'] },
  cancelled: { title: 'page.voided.title', body: ['page.voided.body'] },
  unknown: { title: 'page.unknown.title', body: ['page.unknown.body', 'page.unknown.newer'] },
};

export function CandidateView({ model }: { model: CandidateModel }) {
  const phase = model.phase.value;
  const locale = model.locale.value;
  const tr: Tr = (key, params) => t(locale, key, params);
  const a = model.attempt.value;
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  useEffect(() => {
    if (a) document.title = `${a.package.name} — ${a.company}`;
  }, [a?.package.name, a?.company]);
  const seenPhase = useRef<string | null>(null);
  useEffect(() => {
    // Each new step starts at its title, for keyboard and screen-reader users alike.
    if (phase === 'loading') return;
    if (seenPhase.current !== null && seenPhase.current !== phase) document.getElementById('c-title')?.focus();
    seenPhase.current = phase;
  }, [phase]);

  let body: ComponentChildren;
  switch (phase) {
    case 'loading':
      body = (
        <p class="c-state" role="status">
          {tr('common.loading')}
        </p>
      );
      break;
    case 'intro':
      body = <Intro model={model} tr={tr} />;
      break;
    case 'between':
      body = <Between model={model} tr={tr} />;
      break;
    case 'test':
      body = <Test model={model} tr={tr} />;
      break;
    case 'finished':
      body = model.submittedNow.value ? (
        <section aria-labelledby="c-title">
          <Title>{tr('page.finished.title')}</Title>
          <p>{tr('page.finished.body', { company: a?.company ?? '' })}</p>
          <p>{tr('common.close_page')}</p>
        </section>
      ) : (
        <section aria-labelledby="c-title">
          <Title>{tr('page.already_submitted.title')}</Title>
          <p>{tr('page.already_submitted.body')}</p>
          <p>{tr('common.close_page')}</p>
        </section>
      );
      break;
    case 'blocked': {
      const b = BLOCKED[model.blocked.value];
      body = (
        <section aria-labelledby="c-title">
          <Title>{tr(b.title)}</Title>
          {b.body.map((k) => (
            <p key={k}>{tr(k)}</p>
          ))}
        </section>
      );
      break;
    }
    case 'error':
      body = (
        <section aria-labelledby="c-title">
          <Title>{tr('page.error.title')}</Title>
          <p>{tr('page.error.body')}</p>
          <div class="c-actions">
            <button type="button" class="c-button c-primary" onClick={() => void model.load()}>
              {tr('common.retry')}
            </button>
          </div>
        </section>
      );
      break;
  }
  return (
    <div class="c-page">
      {a && (
        <p class="c-brand">
          <span>{a.company}</span>
          <span aria-hidden="true"> · </span>
          <span>{a.package.name}</span>
        </p>
      )}
      {body}
      <p class="c-sr-only" role="status" aria-live="polite">
        {model.announcement.value}
      </p>
    </div>
  );
}
