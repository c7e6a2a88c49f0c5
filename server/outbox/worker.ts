import { PermanentError, RetryableError } from '../http/client.ts';
import { redact, type Logger } from '../log.ts';
import type { OutboxJob, Store } from '../store/types.ts';
import { nextDelayMs } from './backoff.ts';

/** A job handler talks to the outside world; it throws RetryableError / PermanentError to steer the outbox. */
export type JobHandler = (job: OutboxJob) => Promise<void>;

/** Thrown when the connector a job needs is not there (yet): the job waits without spending an attempt. */
export class NotReadyError extends Error {
  constructor(message: string, readonly waitMs = 5 * 60_000) {
    super(message);
    this.name = 'NotReadyError';
  }
}

export interface OutboxWorkerOptions {
  pollMs?: number;
  batch?: number;
  leaseMs?: number;
  baseDelayMs?: number;
  capDelayMs?: number;
  /** The clock the worker schedules by (tests drive hours of backoff with a fake one); defaults to Date.now. */
  now?: () => number;
}

export class OutboxWorker {
  readonly #handlers = new Map<string, JobHandler>();
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  #stopped = true;
  #wakeRequested = false;
  readonly #opts: Required<Omit<OutboxWorkerOptions, 'now'>>;
  readonly #now: () => number;

  constructor(private readonly store: Store, private readonly log: Logger, opts: OutboxWorkerOptions = {}) {
    this.#opts = { pollMs: opts.pollMs ?? 500, batch: opts.batch ?? 20, leaseMs: opts.leaseMs ?? 120_000, baseDelayMs: opts.baseDelayMs ?? 2_000, capDelayMs: opts.capDelayMs ?? 3_600_000 };
    this.#now = opts.now ?? Date.now;
  }

  register(kind: string, handler: JobHandler): this {
    this.#handlers.set(kind, handler);
    return this;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    while (this.#running) await new Promise((r) => setTimeout(r, 10));
  }

  /** Ask for a pass soon (after a transaction enqueued work). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#wakeRequested = true;
      return;
    }
    this.#schedule(0);
  }

  #schedule(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.tick(), ms);
    this.#timer.unref?.();
  }

  /** One pass: claim due jobs, run them, record the outcome. Returns how many ran. */
  async tick(): Promise<number> {
    if (this.#running) return 0;
    this.#running = true;
    let ran = 0;
    try {
      const jobs = await this.store.transaction((tx) => tx.outbox.claimDue(this.#now(), this.#opts.batch, this.#opts.leaseMs));
      // While handlers run, renew their lease: another instance takes a job over when its holder died, not
      // when the holder is slow (a loaded machine, a slow vendor), which would run the job twice.
      const running = new Set(jobs.map((j) => j.id));
      const heartbeat = jobs.length ? setInterval(() => void this.#renew([...running]), Math.max(10, Math.floor(this.#opts.leaseMs / 3))) : null;
      heartbeat?.unref?.();
      try {
        await Promise.all(jobs.map((job) => this.#run(job).finally(() => running.delete(job.id))));
      } finally {
        if (heartbeat) clearInterval(heartbeat);
      }
      ran = jobs.length;
    } catch (err) {
      this.log.error('outbox pass failed', { error: (err as Error).message });
    } finally {
      this.#running = false;
      if (!this.#stopped) {
        const again = ran === this.#opts.batch || this.#wakeRequested;
        this.#wakeRequested = false;
        this.#schedule(again ? 0 : this.#opts.pollMs);
      }
    }
    return ran;
  }

  async #renew(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.store.transaction((tx) => tx.outbox.extendLease(ids, this.#now() + this.#opts.leaseMs));
    } catch (err) {
      this.log.warn('outbox lease renewal failed', { error: (err as Error).message });
    }
  }

  async #run(job: OutboxJob): Promise<void> {
    const handler = this.#handlers.get(job.kind);
    try {
      if (!handler) throw new NotReadyError(`no handler for job kind "${job.kind}" yet`);
      await handler(job);
      await this.store.transaction((tx) => tx.outbox.complete(job.id));
      this.log.info('outbox job done', { job: job.id, kind: job.kind, attempt: job.attempts + 1 });
    } catch (err) {
      const e = err as Error;
      // The stored error is shown by `assay outbox:list` and kept after erasure: no address or token in it.
      e.message = redact(e.message);
      if (e instanceof NotReadyError) {
        await this.store.transaction((tx) => tx.outbox.retry(job.id, this.#now() + e.waitMs, e.message, false));
        return;
      }
      const attempt = job.attempts + 1;
      if (e instanceof PermanentError || attempt >= job.max_attempts) {
        await this.store.transaction((tx) => tx.outbox.kill(job.id, e.message));
        this.log.warn('outbox job dead', { job: job.id, kind: job.kind, attempt, error: e.message });
        return;
      }
      const retryAfter = e instanceof RetryableError ? e.retryAfterMs : null;
      const delay = nextDelayMs(attempt, retryAfter, { baseMs: this.#opts.baseDelayMs, capMs: this.#opts.capDelayMs });
      await this.store.transaction((tx) => tx.outbox.retry(job.id, this.#now() + delay, e.message));
      this.log.info('outbox job will retry', { job: job.id, kind: job.kind, attempt, delay_ms: delay, error: e.message });
    }
  }
}
