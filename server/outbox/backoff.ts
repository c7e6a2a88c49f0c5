/** Full jitter (AWS): a random delay in [0, min(cap, base·2^attempt)], never below what the vendor asked for. */
export function nextDelayMs(attempt: number, retryAfterMs: number | null, opts: { baseMs?: number; capMs?: number; random?: () => number } = {}): number {
  const base = opts.baseMs ?? 2_000;
  const cap = opts.capMs ?? 60 * 60_000;
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  const jitter = Math.floor((opts.random ?? Math.random)() * ceiling);
  return Math.max(jitter, retryAfterMs ?? 0, 250);
}
