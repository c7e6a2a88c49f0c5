import { js, type Queryable } from '../postgres/db.ts';
import type { AnswerRow, AttemptsRepo, ProctoringEventRow, TestSessionRow } from './types.ts';

export function attemptsRepo(q: Queryable): AttemptsRepo {
  return {
    async addProctoringEvents(orderId, list, max) {
      // Serialises concurrent appends for one order (the transaction holds the order row's lock).
      await q.query('SELECT id FROM orders WHERE id = $1 FOR UPDATE', [orderId]);
      const c = (await q.query<{ n: string; last: string }>('SELECT COUNT(*) AS n, COALESCE(MAX(seq), 0) AS last FROM proctoring_events WHERE order_id = $1', [orderId])).rows[0]!;
      const n = Number(c.n);
      const last = Number(c.last);
      const take = list.slice(0, Math.max(0, max - n));
      // One statement for the batch (up to MAX_PROCTORING_BATCH rows), numbered on from the last seq.
      if (take.length) {
        await q.query(
          `INSERT INTO proctoring_events (order_id, seq, kind, question_id, at, duration_ms)
            SELECT $1, $2 + e.i, e.kind, e.question_id, e.at, e.duration_ms
            FROM unnest($3::text[], $4::text[], $5::timestamptz[], $6::bigint[]) WITH ORDINALITY AS e(kind, question_id, at, duration_ms, i)`,
          [orderId, last, take.map((e) => e.kind), take.map((e) => e.question_id), take.map((e) => e.at), take.map((e) => e.duration_ms)],
        );
      }
      return { stored: take.length, total: n + take.length };
    },
    async proctoringEvents(orderId) {
      const rows = (await q.query<ProctoringEventRow>('SELECT * FROM proctoring_events WHERE order_id = $1 ORDER BY seq', [orderId])).rows;
      return rows.map((r) => ({ ...r, seq: Number(r.seq), duration_ms: Number(r.duration_ms) }));
    },
    async saveAnswer(a) {
      await q.query(
        `INSERT INTO answers (order_id, question_id, value, answered_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (order_id, question_id) DO UPDATE SET value = EXCLUDED.value, answered_at = EXCLUDED.answered_at`,
        [a.order_id, a.question_id, js(a.value), a.answered_at],
      );
    },
    async answers(orderId) {
      return (await q.query<AnswerRow>('SELECT * FROM answers WHERE order_id = $1 ORDER BY question_id COLLATE "C"', [orderId])).rows;
    },
    async startTest(s) {
      const r = await q.query<TestSessionRow>(
        `INSERT INTO test_sessions (order_id, test_id, started_at, deadline_at, finished_at) VALUES ($1, $2, $3, $4, NULL)
         ON CONFLICT (order_id, test_id) DO NOTHING RETURNING *`,
        [s.order_id, s.test_id, s.started_at, s.deadline_at],
      );
      return r.rows[0] ?? (await q.query<TestSessionRow>('SELECT * FROM test_sessions WHERE order_id = $1 AND test_id = $2', [s.order_id, s.test_id])).rows[0]!;
    },
    async testSessions(orderId) {
      return (await q.query<TestSessionRow>('SELECT * FROM test_sessions WHERE order_id = $1 ORDER BY started_at, test_id COLLATE "C"', [orderId])).rows;
    },
    async finishTest(orderId, testId, at) {
      await q.query('UPDATE test_sessions SET finished_at = COALESCE(finished_at, $1) WHERE order_id = $2 AND test_id = $3', [at, orderId, testId]);
    },
    async eraseAnswers(orderId) {
      await q.query('DELETE FROM answers WHERE order_id = $1', [orderId]);
      await q.query('DELETE FROM proctoring_events WHERE order_id = $1', [orderId]);
    },
  };
}
