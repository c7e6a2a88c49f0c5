// Every write-back maps from the one stored result summary: the proctoring sentence reaches Kombo's TEXT
// attribute and the Lever note, and the percent is the summary's, whatever else is stored beside it.
import { describe, expect, it } from 'vitest';
import { completedBody } from '../../server/connectors/kombo/write-back.ts';
import { summarise } from '../../server/connectors/lever/write-back.ts';
import type { OrderRow, ResultRow } from '../../server/store/types.ts';
import { DEFAULT_SCORE_BANDS } from '../../shared/score-bands.ts';
import type { ResultSummary } from '../../shared/result/summary.ts';

const summary: ResultSummary = {
  version: 1,
  percent: 79,
  band: '4 - Strong Hire',
  answered: 10,
  total: 13,
  seconds: 560,
  tests: [
    { id: 'lr-series', name: 'Series', percent: 71, weight: 1, explanation: 'e', answered: 5, total: 7, seconds: 200, traits: [] },
    { id: 'lr-deduction', name: 'Deduction', percent: 83, weight: 1.5, explanation: 'e', answered: 5, total: 6, seconds: 360, traits: [] },
  ],
  proctoring: { left_count: 3, left_seconds: 41, paste_count: 1, question_seconds: { q1: 12 }, truncated: false },
};
// The score column holds the same percent; a stray unrounded copy elsewhere must not leak into any ATS.
const result: ResultRow = { order_id: 'ord_abcdefgh', account_id: 'demo', score: 79, max_score: 100, details: { ...summary, raw: 78.571 } as never, completed_at: '2026-01-01T10:10:00.000Z' };
const order = { id: 'ord_abcdefgh', account_id: 'demo' } as OrderRow;

describe('write-back mapping from the result summary', () => {
  it('Kombo: score, sub-results and the TEXT summary with the proctoring sentence', () => {
    const body = completedBody({ order, result, packageName: 'Logical Reasoning', publicUrl: 'https://assay.example', tool: 'recruitee' });
    expect(body).toMatchObject({ status: 'COMPLETED', score: 79, max_score: 100, remote_fields: { recruitee: { subtitle: '79% · 4 - Strong Hire' } } });
    expect(body.attributes!.filter((a) => a.type === 'SUB_RESULT').map((a) => (a as { score: { value: number } }).score.value)).toEqual([71, 83]);
    expect(body.attributes![0]).toEqual({
      type: 'TEXT',
      label: 'Summary',
      value: 'Logical Reasoning: 79/100 (4 - Strong Hire). Series 71/100; Deduction 83/100. Proctoring: left the test window 3 times, 41 s in total; pasted into an answer once. Full report: https://assay.example/report/ord_abcdefgh',
    });
  });

  it('Lever: the note text with the percent, band, per-test lines and the proctoring sentence', () => {
    const s = summarise({ config: { publicUrl: 'https://assay.example' } } as never, order, result, 'Logical Reasoning', DEFAULT_SCORE_BANDS);
    expect(s).toMatchObject({ pct: 79, label: '4 - Strong Hire', url: 'https://assay.example/report/ord_abcdefgh' });
    expect(s.text.split('\n')).toEqual([
      'Assay result — Logical Reasoning: 79% (4 - Strong Hire).',
      '• Series: 71%',
      '• Deduction: 83%',
      'Proctoring: left the test window 3 times, 41 s in total; pasted into an answer once.',
      'Full report: https://assay.example/report/ord_abcdefgh',
    ]);
  });

  it('refuses a stored result that is not a summary instead of guessing a score', () => {
    const junk = { ...result, details: { passed: true, score: '79' } as never };
    expect(() => completedBody({ order, result: junk, packageName: 'X', publicUrl: 'https://a', tool: null })).toThrow(/not a result summary/);
  });
});
