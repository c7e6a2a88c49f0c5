/** One counter of a rate limit or of login protection (times in epoch milliseconds). */
export interface LimitState {
  /** Events counted since the window started. */
  count: number;
  window_start: number;
  /** Until when the key is blocked (0: not blocked). */
  blocked_until: number;
  /** When the counter lapses: the next hit after it starts a new window from zero. */
  expires_at: number;
}

/**
 * Counters for rate limits and login protection. PostgreSQL keeps them in a table every instance sees;
 * SQLite (one instance) in process memory. Keys are "<limit name>:<key>"; no call is part of a unit of work.
 */
export interface LimitsRepo {
  /** Counts one event: a lapsed (or missing) counter starts a new window of `windowMs` at `now`. Atomic across instances. */
  hit(key: string, windowMs: number, now: number): Promise<LimitState>;
  /** The counter as it stands, or null when there is none or it has lapsed. */
  get(key: string, now: number): Promise<LimitState | null>;
  /** Blocks the key until `until` (never shortening a block) and keeps the counter at least until `keepUntil`. */
  block(key: string, until: number, keepUntil: number): Promise<void>;
  clear(key: string): Promise<void>;
  /** Deletes lapsed counters; returns how many. */
  sweep(now: number): Promise<number>;
}
