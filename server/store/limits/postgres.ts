// Rate-limit and login-protection counters in a table every instance sees (migration 230). Each hit is one
// atomic upsert-increment (the row lock orders concurrent hits from any instance); keys are stored as their
// SHA-256, so no e-mail or client address is written. Times are the calling instance's clock.
import { sha256Hex } from '../../crypto/secrets.ts';
import type { LimitsRepo, LimitState } from './types.ts';
import type { Queryable } from '../postgres/db.ts';

const COLS = 'count, window_start, blocked_until, expires_at';

export function limitsRepo(q: Queryable): LimitsRepo {
  return {
    async hit(key, windowMs, now) {
      // A lapsed row starts over: count 1, a new window, no block.
      const r = await q.query<LimitState>(
        `INSERT INTO rate_limits AS l (key_hash, window_start, count, blocked_until, expires_at) VALUES ($1, $2, 1, 0, $3)
         ON CONFLICT (key_hash) DO UPDATE SET
           count = CASE WHEN l.expires_at <= $2 THEN 1 ELSE l.count + 1 END,
           window_start = CASE WHEN l.expires_at <= $2 THEN $2 ELSE l.window_start END,
           blocked_until = CASE WHEN l.expires_at <= $2 THEN 0 ELSE l.blocked_until END,
           expires_at = CASE WHEN l.expires_at <= $2 THEN $3 ELSE l.expires_at END
         RETURNING ${COLS}`,
        [sha256Hex(key), now, now + windowMs],
      );
      return r.rows[0]!;
    },
    async get(key, now) {
      return (await q.query<LimitState>(`SELECT ${COLS} FROM rate_limits WHERE key_hash = $1 AND expires_at > $2`, [sha256Hex(key), now])).rows[0] ?? null;
    },
    async block(key, until, keepUntil) {
      await q.query('UPDATE rate_limits SET blocked_until = GREATEST(blocked_until, $2), expires_at = GREATEST(expires_at, $3) WHERE key_hash = $1', [sha256Hex(key), until, keepUntil]);
    },
    async clear(key) {
      await q.query('DELETE FROM rate_limits WHERE key_hash = $1', [sha256Hex(key)]);
    },
    async sweep(now) {
      return (await q.query('DELETE FROM rate_limits WHERE expires_at <= $1', [now])).rowCount ?? 0;
    },
  };
}
