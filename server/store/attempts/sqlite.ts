import type { DB } from '../sqlite/db.ts';
import type { AnswerRow, AttemptsRepo, ProctoringEventRow, TestSessionRow } from './types.ts';

export function attemptsRepo(db: DB): AttemptsRepo {
  const save = db.prepare(`INSERT INTO answers (order_id, question_id, value, answered_at) VALUES (@order_id, @question_id, @value, @answered_at)
    ON CONFLICT (order_id, question_id) DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at`);
  const answers = db.prepare('SELECT * FROM answers WHERE order_id = ?');
  const start = db.prepare(`INSERT INTO test_sessions (order_id, test_id, started_at, deadline_at, finished_at) VALUES (@order_id, @test_id, @started_at, @deadline_at, NULL)
    ON CONFLICT (order_id, test_id) DO NOTHING`);
  const getSession = db.prepare('SELECT * FROM test_sessions WHERE order_id = ? AND test_id = ?');
  const sessions = db.prepare('SELECT * FROM test_sessions WHERE order_id = ? ORDER BY started_at');
  const finish = db.prepare('UPDATE test_sessions SET finished_at = COALESCE(finished_at, ?) WHERE order_id = ? AND test_id = ?');
  const erase = db.prepare('DELETE FROM answers WHERE order_id = ?');
  const eraseEvents = db.prepare('DELETE FROM proctoring_events WHERE order_id = ?');
  const countEvents = db.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(seq), 0) AS last FROM proctoring_events WHERE order_id = ?');
  const addEvent = db.prepare(`INSERT INTO proctoring_events (order_id, seq, kind, question_id, at, duration_ms) VALUES (@order_id, @seq, @kind, @question_id, @at, @duration_ms)`);
  const events = db.prepare('SELECT * FROM proctoring_events WHERE order_id = ? ORDER BY seq');
  return {
    async addProctoringEvents(orderId, list, max) {
      const { n, last } = countEvents.get(orderId) as { n: number; last: number };
      const room = Math.max(0, max - n);
      const take = list.slice(0, room);
      take.forEach((e, i) => addEvent.run({ ...e, order_id: orderId, seq: last + i + 1 }));
      return { stored: take.length, total: n + take.length };
    },
    async proctoringEvents(orderId) {
      return events.all(orderId) as ProctoringEventRow[];
    },
    async saveAnswer(a) {
      save.run({ ...a, value: JSON.stringify(a.value) });
    },
    async answers(orderId) {
      return (answers.all(orderId) as (AnswerRow & { value: string })[]).map((r) => ({ ...r, value: JSON.parse(r.value) as unknown }));
    },
    async startTest(s) {
      start.run(s);
      return getSession.get(s.order_id, s.test_id) as TestSessionRow;
    },
    async testSessions(orderId) {
      return sessions.all(orderId) as TestSessionRow[];
    },
    async finishTest(orderId, testId, at) {
      finish.run(at, orderId, testId);
    },
    async eraseAnswers(orderId) {
      erase.run(orderId);
      eraseEvents.run(orderId);
    },
  };
}
