export interface AnswerRow {
  order_id: string;
  question_id: string;
  value: unknown;
  answered_at: string;
}

export interface TestSessionRow {
  order_id: string;
  test_id: string;
  started_at: string;
  deadline_at: string;
  finished_at: string | null;
}

/** One thing recorded during a test (never answer text, nothing about the device). */
export interface ProctoringEventRow {
  order_id: string;
  seq: number;
  kind: 'left' | 'paste' | 'question';
  question_id: string | null;
  at: string;
  duration_ms: number;
}

export interface AttemptsRepo {
  /** Appends events up to `max` per order in all; returns how many were stored now and how many the order holds. */
  addProctoringEvents(orderId: string, events: Omit<ProctoringEventRow, 'order_id' | 'seq'>[], max: number): Promise<{ stored: number; total: number }>;
  proctoringEvents(orderId: string): Promise<ProctoringEventRow[]>;
  saveAnswer(a: AnswerRow): Promise<void>;
  answers(orderId: string): Promise<AnswerRow[]>;
  startTest(s: TestSessionRow): Promise<TestSessionRow>;
  testSessions(orderId: string): Promise<TestSessionRow[]>;
  finishTest(orderId: string, testId: string, at: string): Promise<void>;
  /** Erases the answers and the proctoring events of an order. */
  eraseAnswers(orderId: string): Promise<void>;
}

/** What AttemptsRepo offers outside a unit of work: reads only (writes go through `store.transaction`). */
export type AttemptsReads = Pick<AttemptsRepo, 'proctoringEvents' | 'answers' | 'testSessions'>;
