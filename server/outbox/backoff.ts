/** Full jitter (AWS): a random delay in [0, min(cap, base·2^attempt)], never below what the vendor asked for. */
export function nextDelayMs(attempt: number, retryAfterMs: number | null, opts: { baseMs?: number; capMs?: number; random?: () => number } = {}): number {
  const base = opts.baseMs ?? 2_000;
  const cap = opts.capMs ?? 60 * 60_000;
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  const jitter = Math.floor((opts.random ?? Math.random)() * ceiling);
  return Math.max(jitter, retryAfterMs ?? 0, 250);
}

/**
 * Attempts a result write-back gets before it is dead. With full jitter (base 2 s, cap 1 h) the first 12
 * attempts span only about an hour, and an hour-long ATS outage dead-lettered ~40 % of write-backs
 * (test/reliability/outage.test.ts). 24 attempts span about 7 h (never under ~3 h in 20,000 simulated
 * runs), so an ATS that is down for an hour or two loses nothing; `assay outbox:replay` covers longer ones.
 */
export const WRITEBACK_MAX_ATTEMPTS = 24;
