// Proctoring in candidate mode (issue 15, item 5), announced on the intro page. While a test runs it notes
// when the page is hidden or loses focus (and for how long), pastes into an answer field (never what was
// pasted), and the time spent on each question. Nothing else: no device details, no answer text.
// Events are sent in small batches with the invitation token in the Authorization header.
import { effect } from '@preact/signals';
import { MAX_PROCTORING_BATCH, type ProctoringEvent } from '../../../shared/result/proctoring.ts';
import { CandidateApiError, isRetryable, type CandidateApi } from './api.ts';

export interface ProctoringSource {
  /** True while a test is on screen. */
  active: () => boolean;
  /** The id of the question on screen, or null. */
  question: () => string | null;
}

export interface Proctor {
  /** Sends what is queued now (also called on a timer and when the page is left). */
  flush(opts?: { keepalive?: boolean }): Promise<void>;
  stop(): void;
}

export function startProctoring(o: { api: Pick<CandidateApi, 'proctoring'>; source: ProctoringSource; flushMs?: number; now?: () => number }): Proctor {
  const now = o.now ?? (() => performance.now());
  const queue: ProctoringEvent[] = [];
  let stopped = false;
  let awaySince: number | null = null;
  let shown: { id: string; since: number } | null = null;
  let limitReached = false;

  const away = () => document.visibilityState === 'hidden' || !document.hasFocus();

  /** Closes the time on the shown question (up to `at`), if any. */
  const closeQuestion = (at: number) => {
    if (!shown) return;
    const ms = Math.round(at - shown.since);
    if (ms > 0) queue.push({ kind: 'question', question_id: shown.id, duration_ms: ms });
    shown = null;
  };

  /** Re-reads the state of the page and records the transitions since the last look. */
  const look = () => {
    if (stopped) return;
    const t = now();
    const active = o.source.active();
    const isAway = active && away();
    if (isAway && awaySince === null) {
      awaySince = t;
      closeQuestion(t);
    } else if (!isAway && awaySince !== null) {
      queue.push({ kind: 'left', duration_ms: Math.round(t - awaySince) });
      awaySince = null;
      soon(); // rare and telling: sent at once, so a submit right after still counts it
    }
    const q = active && !isAway ? o.source.question() : null;
    if (shown?.id !== q) {
      closeQuestion(t);
      if (q) shown = { id: q, since: t };
    }
  };

  const onPaste = (e: Event) => {
    const target = e.target as Element | null;
    if (!o.source.active() || !target?.closest?.('input, textarea')) return;
    const q = o.source.question();
    if (q) {
      queue.push({ kind: 'paste', question_id: q });
      soon();
    }
  };

  let inflight: Promise<void> | null = null;
  const soon = () => queueMicrotask(() => void flush());
  const flush = async (opts: { keepalive?: boolean } = {}): Promise<void> => {
    if (inflight) {
      await inflight;
      if (!queue.length) return;
    }
    inflight = send(opts).finally(() => (inflight = null));
    return inflight;
  };
  const send = async (opts: { keepalive?: boolean }) => {
    look();
    // A question still on screen is counted up to now and keeps being timed.
    if (shown) {
      const t = now();
      const id = shown.id;
      closeQuestion(t);
      shown = { id, since: t };
    }
    while (queue.length && !limitReached) {
      const batch = queue.splice(0, MAX_PROCTORING_BATCH);
      try {
        await o.api.proctoring(batch, opts.keepalive === true);
      } catch (err) {
        if (err instanceof CandidateApiError && err.status === 409) {
          // The attempt is over or holds the most events kept: nothing more to send.
          limitReached = true;
          queue.length = 0;
        } else if (isRetryable(err)) {
          queue.unshift(...batch); // try again at the next flush
          return;
        }
      }
    }
  };

  const onHide = () => {
    look();
    if (document.visibilityState === 'hidden') void flush({ keepalive: true });
  };
  const onPageHide = () => void flush({ keepalive: true });
  document.addEventListener('visibilitychange', onHide);
  window.addEventListener('blur', look);
  window.addEventListener('focus', look);
  window.addEventListener('pagehide', onPageHide);
  document.addEventListener('paste', onPaste, true);
  const timer = setInterval(() => void flush(), o.flushMs ?? 10_000);
  // Follows the page: a new question or the end of a test is a transition too.
  const dispose = effect(() => {
    o.source.active();
    o.source.question();
    look();
  });

  return {
    flush,
    stop() {
      stopped = true;
      clearInterval(timer);
      dispose();
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('blur', look);
      window.removeEventListener('focus', look);
      window.removeEventListener('pagehide', onPageHide);
      document.removeEventListener('paste', onPaste, true);
    },
  };
}
