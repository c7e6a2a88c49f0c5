// Client-side limiter for Lever's budget: a token bucket per connection that makes callers wait, kept
// under Lever's documented default (10 requests/s steady, bursts of 20) so we rarely see a 429.
// In process memory: several BFF instances each apply it, so size it per instance.

import { connectorConfig } from '../../config.ts';

export interface LimiterOptions {
  ratePerSecond: number;
  burst: number;
}

/** Defaults under Lever's bucket; tests compress them with ASSAY_LEVER_RATE_PER_SECOND / ASSAY_LEVER_BURST. */
export function limiterOptions(): LimiterOptions {
  const c = connectorConfig();
  return { ratePerSecond: c.leverRatePerSecond, burst: c.leverBurst };
}

export class TokenBucket {
  #tokens: number;
  #last = Date.now();
  /** No token is handed out before this time (set after a 429 so every caller backs off, not only the one that was refused). */
  #pausedUntil = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(readonly opts: LimiterOptions) {
    this.#tokens = opts.burst;
  }

  #refill(now: number) {
    this.#tokens = Math.min(this.opts.burst, this.#tokens + ((now - this.#last) / 1000) * this.opts.ratePerSecond);
    this.#last = now;
  }

  /** Waits for a token; callers are served in arrival order. */
  take(): Promise<void> {
    const turn = this.#queue.then(async () => {
      for (;;) {
        const now = Date.now();
        if (now < this.#pausedUntil) {
          await sleep(this.#pausedUntil - now);
          continue;
        }
        this.#refill(now);
        if (this.#tokens >= 1) {
          this.#tokens -= 1;
          return;
        }
        await sleep(Math.ceil(((1 - this.#tokens) / this.opts.ratePerSecond) * 1000));
      }
    });
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** After a 429: empty the bucket and hold everyone for `ms`. */
  pause(ms: number): void {
    this.#tokens = 0;
    this.#last = Date.now();
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + ms);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const buckets = new Map<string, TokenBucket>();

export function bucketFor(connectionId: string): TokenBucket {
  let b = buckets.get(connectionId);
  if (!b) buckets.set(connectionId, (b = new TokenBucket(limiterOptions())));
  return b;
}
