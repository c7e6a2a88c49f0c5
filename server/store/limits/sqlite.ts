// Rate-limit and login-protection counters in process memory: the SQLite store's LimitsRepo. SQLite serves
// one instance, so its memory is where every request to that instance is seen; a write (and an fsync) per
// limited request would cost more than it buys. PostgreSQL keeps them in a shared table (limits/postgres.ts).
import type { LimitsRepo, LimitState } from './types.ts';

/** Past this many counters, lapsed ones are dropped as new ones come (between sweeps). */
const PRUNE_AT = 50_000;

export function memoryLimits(): LimitsRepo {
  const counters = new Map<string, LimitState>();
  const sweep = (now: number) => {
    let n = 0;
    for (const [k, s] of counters) if (s.expires_at <= now) (counters.delete(k), n++);
    return n;
  };
  return {
    async hit(key, windowMs, now) {
      if (counters.size > PRUNE_AT) sweep(now);
      let s = counters.get(key);
      if (!s || s.expires_at <= now) counters.set(key, (s = { count: 0, window_start: now, blocked_until: 0, expires_at: now + windowMs }));
      s.count++;
      return { ...s };
    },
    async get(key, now) {
      const s = counters.get(key);
      return s && s.expires_at > now ? { ...s } : null;
    },
    async block(key, until, keepUntil) {
      const s = counters.get(key);
      if (!s) return;
      s.blocked_until = Math.max(s.blocked_until, until);
      s.expires_at = Math.max(s.expires_at, keepUntil);
    },
    async clear(key) {
      counters.delete(key);
    },
    async sweep(now) {
      return sweep(now);
    },
  };
}
