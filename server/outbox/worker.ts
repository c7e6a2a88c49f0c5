import { PermanentError, RetryableError } from '../http/client.ts';
import { redact, type Logger } from '../log.ts';
import type { OutboxJob, Repos, Store } from '../store/types.ts';
import { nextDelayMs } from './backoff.ts';

/** A job handler talks to the outside world; it throws RetryableError / PermanentError to steer the outbox. */
export type JobHandler = (job: OutboxJob) => Promise<void>;

export interface JobOptions {
  /**
   * What a job's end means elsewhere (an invitation that can never be sent fails its order), written in the
   * unit of work that marks the job dead: both are durable together or neither is, so nobody ever sees the
   * order failed while its job is still `running` (a crash then would leave the job to its lease).
   */
  onDead?: (tx: Repos, job: OutboxJob, error: Error) => Promise<void>;
}

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

/** How a run of a job ended: what to write (one unit of work), and what to log once it is written. */
interface Outcome {
  write: (tx: Repos) => Promise<void>;
  after: () => void;
}

export class OutboxWorker {
  readonly #handlers = new Map<string, { handler: JobHandler; opts: JobOptions }>();
  #timer: NodeJS.Timeout | null = null;
  #running = false;
  #stopped = true;
  /** stop() was called: a job outcome that cannot be written is left to its lease at once. */
  #halting = false;
  #wakeRequested = false;
  readonly #opts: Required<Omit<OutboxWorkerOptions, 'now'>>;
  readonly #now: () => number;

  constructor(private readonly store: Store, private readonly log: Logger, opts: OutboxWorkerOptions = {}) {
    this.#opts = { pollMs: opts.pollMs ?? 500, batch: opts.batch ?? 20, leaseMs: opts.leaseMs ?? 120_000, baseDelayMs: opts.baseDelayMs ?? 2_000, capDelayMs: opts.capDelayMs ?? 3_600_000 };
    this.#now = opts.now ?? Date.now;
  }

  register(kind: string, handler: JobHandler, opts: JobOptions = {}): this {
    this.#handlers.set(kind, { handler, opts });
    return this;
  }

  start(): void {
    this.#stopped = false;
    this.#halting = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#halting = true;
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
      this.log.error('outbox pass failed', { error: redact((err as Error).message) });
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
      this.log.warn('outbox lease renewal failed', { error: redact((err as Error).message) });
    }
  }

  /** Runs one claimed job and records how it ended. Never throws: a job it cannot settle is left to its lease. */
  async #run(job: OutboxJob): Promise<void> {
    const entry = this.#handlers.get(job.kind);
    let outcome: Outcome;
    try {
      if (!entry) throw new NotReadyError(`no handler for job kind "${job.kind}" yet`);
      await entry.handler(job);
      outcome = {
        write: (tx) => tx.outbox.complete(job.id),
        after: () => this.log.info('outbox job done', { job: job.id, kind: job.kind, attempt: job.attempts + 1 }),
      };
    } catch (err) {
      outcome = this.#failed(job, err as Error, entry?.opts ?? {});
    }
    await this.#record(job, outcome);
  }

  /** How a failed attempt ends: wait (not ready), dead (for good or out of attempts), or a retry after a backoff. */
  #failed(job: OutboxJob, e: Error, opts: JobOptions): Outcome {
    // The stored error is shown by `assay outbox:list` and kept after erasure: no address or token in it.
    e.message = redact(e.message);
    if (e instanceof NotReadyError) {
      const at = this.#now() + e.waitMs;
      return { write: (tx) => tx.outbox.retry(job.id, at, e.message, false), after: () => undefined };
    }
    const attempt = job.attempts + 1;
    if (e instanceof PermanentError || attempt >= job.max_attempts) {
      return {
        write: async (tx) => {
          await opts.onDead?.(tx, job, e);
          await tx.outbox.kill(job.id, e.message);
        },
        after: () => this.log.warn('outbox job dead', { job: job.id, kind: job.kind, attempt, error: e.message }),
      };
    }
    const retryAfter = e instanceof RetryableError ? e.retryAfterMs : null;
    const delay = nextDelayMs(attempt, retryAfter, { baseMs: this.#opts.baseDelayMs, capMs: this.#opts.capDelayMs });
    const at = this.#now() + delay;
    return {
      write: (tx) => tx.outbox.retry(job.id, at, e.message),
      after: () => this.log.info('outbox job will retry', { job: job.id, kind: job.kind, attempt, delay_ms: delay, error: e.message }),
    };
  }

  /**
   * Writes how the job ended. A write that fails (the database busy past its timeout, a failed COMMIT) is tried
   * again — the handler's work is done and is not repeated for it — while the lease is renewed, for at most half
   * a lease; then the job is left to its lease, after which it is claimed and run again (retryable, never stuck).
   */
  async #record(job: OutboxJob, outcome: Outcome): Promise<void> {
    const giveUpAt = Date.now() + this.#opts.leaseMs / 2;
    for (let delay = 100; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        await this.store.transaction(outcome.write);
        outcome.after();
        return;
      } catch (err) {
        const last = this.#halting || Date.now() + delay > giveUpAt;
        // Database errors name no person; redacted all the same, as every stored or logged error is.
        this.log.warn(last ? 'outbox job outcome not recorded; its lease will expire and it runs again' : 'outbox job outcome not recorded yet; trying again', {
          job: job.id,
          kind: job.kind,
          error: redact((err as Error).message),
        });
        if (last) return;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
